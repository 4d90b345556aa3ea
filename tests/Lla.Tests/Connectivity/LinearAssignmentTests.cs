using Lla.Connectivity;

namespace Lla.Tests.Connectivity;

public class LinearAssignmentTests
{
    private static IEnumerable<int[]> Permutations(int n)
    {
        var p = Enumerable.Range(0, n).ToArray();
        IEnumerable<int[]> Recurse(int k)
        {
            if (k == n) { yield return (int[])p.Clone(); yield break; }
            for (int i = k; i < n; i++)
            {
                (p[k], p[i]) = (p[i], p[k]);
                foreach (var q in Recurse(k + 1)) yield return q;
                (p[k], p[i]) = (p[i], p[k]);
            }
        }
        return Recurse(0);
    }

    private static double Value(double[,] m, int[] p) => Enumerable.Range(0, p.Length).Sum(i => m[i, p[i]]);

    [Fact]
    public void Maximum_matches_brute_force_on_random_matrices()
    {
        var random = new Random(5);
        for (int n = 1; n <= 7; n++)
            for (int trial = 0; trial < 6; trial++)
            {
                var m = new double[n, n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) m[i, j] = random.NextDouble() * 10 - 5;
                var best = Permutations(n).MaxBy(p => Value(m, p))!;
                var found = LinearAssignment.Maximize(m);
                // Continuous random entries: the optimum is unique, so the permutation itself must agree.
                Assert.Equal(best, found);
            }
    }

    [Fact]
    public void Minimum_with_ties_reaches_the_brute_force_value()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 2 + trial % 5;
            var m = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) m[i, j] = random.Next(4); // many ties: several optimal permutations
            double best = Permutations(n).Min(p => Value(m, p));
            var found = LinearAssignment.Minimize(m);
            Assert.Equal(Enumerable.Range(0, n), found.Order());
            Assert.Equal(best, Value(m, found));
        }
    }

    [Fact]
    public void A_permuted_identity_is_solved_by_its_permutation_on_a_large_matrix()
    {
        const int n = 200;
        var random = new Random(3);
        var target = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i, j] = random.NextDouble();
        for (int i = 0; i < n; i++) m[i, target[i]] = 2; // each row's unique best column, all distinct
        Assert.Equal(target, LinearAssignment.Maximize(m));
    }

    [Fact]
    public void Non_finite_profits_are_refused()
    {
        var m = new double[,] { { 1, double.NaN }, { 0, 1 } };
        Assert.Throws<LlaException>(() => LinearAssignment.Maximize(m));
    }
}
