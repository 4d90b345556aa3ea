using Lla.Studies.Scoring;

namespace Lla.Tests.Studies.Scoring;

/// <summary>The across-model scores on tables whose answers are known exactly (METHOD.md "Scoring a measure").</summary>
public class AcrossModelScoringTests
{
    private static readonly string[] Axes5 = { "a", "b", "c", "d", "e" };

    /// <summary>A 2^k factorial zoo; gap and measure are functions of the model's levels.</summary>
    internal static List<ZooModel> Factorial(string[] axes, Func<int[], double> gap, Func<int[], double> measure) =>
        Enumerable.Range(0, 1 << axes.Length).Select(code =>
        {
            int[] level = axes.Select((_, i) => (code >> i) & 1).ToArray();
            double g = gap(level);
            return new ZooModel($"m{code}", axes.Select((a, i) => (a, level[i].ToString())).ToDictionary(x => x.a, x => x.Item2),
                TrainAccuracy: 0.2 + g, TestAccuracy: 0.2, new Dictionary<string, double> { ["m"] = measure(level) });
        }).ToList();

    internal static double DistinctGap(int[] l) => l.Select((x, i) => x * 0.4 / (1 << i)).Sum(); // every model a different gap, steps ≥ 0.025

    [Fact]
    public void Kendall_tau_b_counts_ties_as_neither_concordant_nor_discordant()
    {
        // Pairs: one tied in x, one tied in y, four concordant: τ_b = 4 / √(5·5).
        Assert.Equal(0.8, KendallTau.B(new double[] { 1, 1, 2, 3 }, new double[] { 1, 2, 2, 3 }), 12);
        Assert.Equal(-1, KendallTau.B(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }), 12);
        Assert.True(double.IsNaN(KendallTau.B(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 })));
    }

    [Fact]
    public void A_measure_equal_to_the_gap_scores_one_and_never_errs_and_its_negation_the_opposite()
    {
        var zoo = Factorial(Axes5, DistinctGap, DistinctGap);
        var good = AcrossModelScoring.Score(zoo, Axes5, "m", testSize: 10_000, resamples: 50, seed: 1);
        Assert.Equal(1, good.Tau.Value, 12);
        Assert.Equal(1, good.Psi.Value, 12);
        Assert.Equal(0, good.SignErrorMean.Value, 12);
        Assert.Equal(0, good.SignErrorMax, 12);
        Assert.Equal(5 * 16, good.EnvironmentsKept);

        var bad = AcrossModelScoring.Score(Factorial(Axes5, DistinctGap, l => -DistinctGap(l)), Axes5, "m", 10_000, 50, 1);
        Assert.Equal(-1, bad.Tau.Value, 12);
        Assert.Equal(-1, bad.Psi.Value, 12);
        Assert.Equal(1, bad.SignErrorMean.Value, 12);
        Assert.Equal(1, bad.SignErrorP90, 12);
    }

    [Fact]
    public void On_a_2x2x2_table_psi_and_the_sign_errors_are_the_hand_computed_ones()
    {
        // gap = 0.1a + 0.2b (c does not move it), measure = a − b + 0.5c:
        // axis a: every pair agrees (ψ = 1, error 0); axis b: every pair disagrees (ψ = −1, error 1);
        // axis c: the gap is constant, so its 4 groups are skipped and its pairs weigh 0.
        string[] axes = { "a", "b", "c" };
        var zoo = Factorial(axes, l => 0.1 * l[0] + 0.2 * l[1], l => l[0] - l[1] + 0.5 * l[2]);
        var s = AcrossModelScoring.Score(zoo, axes, "m", testSize: 10_000, resamples: 50, seed: 3);
        Assert.Equal(1, s.PsiPerAxis["a"], 12);
        Assert.Equal(-1, s.PsiPerAxis["b"], 12);
        Assert.True(double.IsNaN(s.PsiPerAxis["c"]));
        Assert.Equal(0, s.Psi.Value, 12);
        Assert.Equal(4, s.PsiGroupsSkipped);
        Assert.Equal(12, s.Environments);
        Assert.Equal(8, s.EnvironmentsKept);
        Assert.Equal(0.5, s.SignErrorMean.Value, 12);
        Assert.Equal(1, s.SignErrorP90, 12); // sorted 0,0,0,0,1,1,1,1: position 0.9·7 = 6.3 lies between two 1s
        Assert.Equal(1, s.SignErrorMax, 12);
        // τ_b over all 28 pairs: 9 concordant, 13 discordant, 4 tied in the gap, 2 tied in the measure.
        Assert.Equal(-4 / Math.Sqrt(24 * 26), s.Tau.Value, 12);
    }

    [Fact]
    public void A_pair_whose_gaps_differ_by_less_than_the_test_sets_noise_weighs_nothing()
    {
        Assert.Equal(0, AcrossModelScoring.PairWeight(0, 10_000));
        Assert.Equal(0, AcrossModelScoring.PairWeight(0.001, 10_000)); // 1 − 2·exp(−0.005) < 0
        double w = AcrossModelScoring.PairWeight(0.05, 2_000);          // (1 − 2·exp(−2.5))²
        Assert.Equal(Math.Pow(1 - 2 * Math.Exp(-2.5), 2), w, 12);
    }

    [Fact]
    public void A_random_measure_scores_near_zero_tau_and_half_sign_error_over_many_seeds()
    {
        double tauSum = 0, absTauSum = 0, errorSum = 0;
        const int seeds = 200;
        for (int seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed);
            var gaps = Enumerable.Range(0, 32).Select(_ => random.NextDouble() * 0.3).ToArray();
            var zoo = Factorial(Axes5, l => gaps[Code(l)], _ => random.NextDouble());
            var s = AcrossModelScoring.Score(zoo, Axes5, "m", 10_000, resamples: 1, seed);
            tauSum += s.Tau.Value;
            absTauSum += Math.Abs(s.Tau.Value);
            errorSum += s.SignErrorMean.Value;
        }
        // τ of 32 independent points has sd ≈ 0.12; over 200 seeds the mean's sd ≈ 0.009.
        Assert.InRange(tauSum / seeds, -0.04, 0.04);
        // |τ| small: E|τ| = sd·√(2/π) ≈ 0.10 for 32 points; a measure that tracked the gap would give about 1.
        Assert.InRange(absTauSum / seeds, 0.05, 0.15);
        Assert.InRange(errorSum / seeds, 0.45, 0.55);
    }

    [Fact]
    public void The_bootstrap_intervals_hold_the_estimate_and_repeat_with_the_seed()
    {
        var random = new Random(5);
        var zoo = Factorial(Axes5, DistinctGap, l => DistinctGap(l) + random.NextDouble() * 0.3);
        var a = AcrossModelScoring.Score(zoo, Axes5, "m", 10_000, 300, 9);
        var b = AcrossModelScoring.Score(zoo, Axes5, "m", 10_000, 300, 9);
        Assert.Equal(a.Tau, b.Tau);
        Assert.Equal(a.Psi, b.Psi);
        Assert.InRange(a.Tau.Value, a.Tau.Low, a.Tau.High);
        Assert.InRange(a.Psi.Value, a.Psi.Low, a.Psi.High);
        Assert.InRange(a.SignErrorMean.Value, a.SignErrorMean.Low, a.SignErrorMean.High);
    }

    [Fact]
    public void Replicates_that_share_the_varied_axis_value_are_not_a_coupled_pair()
    {
        // Axis a at two levels, two seeds per level, all in one environment. The measure orders every
        // cross-level pair like the gap (error 0) but each same-level pair the wrong way round: counted
        // as coupled pairs they would make the mean sign-error 2/6.
        ZooModel M(string name, string a, double gap, double measure) =>
            new(name, new Dictionary<string, string> { ["a"] = a }, 0.2 + gap, 0.2, new Dictionary<string, double> { ["m"] = measure });
        var zoo = new List<ZooModel> { M("a0s1", "0", 0.1, 2), M("a0s2", "0", 0.2, 1), M("a1s1", "1", 0.5, 4), M("a1s2", "1", 0.6, 3) };
        var s = AcrossModelScoring.Score(zoo, new[] { "a" }, "m", testSize: 10_000, resamples: 20, seed: 1);
        Assert.Equal(0, s.SignErrorMean.Value, 12);
        Assert.Equal((1, 1), (s.Environments, s.EnvironmentsKept));
    }

    private static int Code(int[] level) => level.Select((x, i) => x << i).Sum();
}
