using Lla.Curvature;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

public class LanczosTests
{
    public LanczosTests() => TestTorch.Init();

    private static double[] ExactByMagnitude(Tensor matrix, int k)
    {
        var values = linalg.eigvalsh(matrix).data<double>().ToArray();
        return values.OrderByDescending(Math.Abs).Take(k).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Top_k_matches_eigh_of_the_closed_form_softmax_hessian(int k)
    {
        var problem = new SoftmaxRegression(samples: 30, features: 6, classes: 4);
        var op = new HessianOperator(problem.Objective(), ParameterSet.Of(problem.Model));
        var expected = ExactByMagnitude(problem.ExactHessian(), k);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = k, Tolerance = 1e-8, Seed = 1 });
        for (int i = 0; i < k; i++)
            Assert.True(Math.Abs(result.Values[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]),
                $"eigenvalue {i}: {result.Values[i]} vs {expected[i]}");
        Assert.All(result.Pairs, p => Assert.True(p.Converged && p.Residual <= 1e-3, $"residual {p.Residual}"));
    }

    [Fact]
    public void Top_k_finds_close_top_eigenvalues_of_a_known_spectrum()
    {
        // 300 eigenvalues: a close top pair (relative gap 1e-4), a third close one, a bulk, and negatives.
        var g = new Random(3);
        var spectrum = new List<double> { 100.0, 99.99, 99.9, -60.0 };
        while (spectrum.Count < 300) spectrum.Add(g.NextDouble() * 20 - 5);
        using var op = DenseOperator.WithSpectrum(spectrum.ToArray(), seed: 4);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 4, MaxSteps = 300, Tolerance = 1e-9, Seed = 2 });
        var expected = new[] { 100.0, 99.99, 99.9, -60.0 };
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(result.Values[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]), $"{i}: {result.Values[i]}");
        // Eigenvectors: Rayleigh quotients equal the values and vectors are orthonormal.
        var v = stack(result.Pairs.Select(p => tensor(p.Vector).to(ScalarType.Float64)).ToArray());
        var gram = v.mm(v.t());
        Assert.True((gram - eye(4, dtype: ScalarType.Float64)).abs().max().ToDouble() < 1e-5); // vectors are stored as float32
    }

    [Fact]
    public void Smallest_finds_the_algebraically_smallest()
    {
        var spectrum = Enumerable.Range(0, 80).Select(i => i * 0.5 - 3).ToArray(); // -3 … 36.5
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 9);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Which = EigenTarget.Smallest, MaxSteps = 80, Tolerance = 1e-9 });
        Assert.Equal(-3.0, result.Values[0], 6);
        Assert.Equal(-2.5, result.Values[1], 6);
    }

    [Fact]
    public void An_invariant_krylov_space_restarts_and_still_finds_all_wanted_pairs()
    {
        // diag(5, 5, 1, 1, …): a start vector spans an invariant space of dimension 2 quickly.
        var spectrum = new double[] { 5, 3, 1, 1, 1, 1, 1, 1 };
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 1);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 3, MaxSteps = 8, Tolerance = 1e-10 });
        Assert.Equal(5.0, result.Values[0], 8);
        Assert.Equal(3.0, result.Values[1], 8);
        Assert.Equal(1.0, result.Values[2], 8);
    }

    [Fact]
    public void After_a_breakdown_the_basis_is_filled_so_a_repeated_top_eigenvalue_is_found_twice()
    {
        // Eigenvalues 3 (twice), 2 and 0 (47 times): a random start's Krylov space is invariant after 3 steps (one
        // direction in each eigenspace), so β = 0 there and every Ritz pair of that space has a zero residual estimate.
        // The run goes on from a random orthogonal vector and fills its basis (as ARPACK does) before testing again,
        // whose Krylov space holds the other direction of the eigenvalue 3: top-2 is 3, 3, not 3, 2.
        var spectrum = new[] { 3.0, 3.0, 2.0 }.Concat(Enumerable.Repeat(0.0, 47)).ToArray();
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 2);
        foreach (int basis in new[] { 10, 50 })
        {
            var two = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Which = EigenTarget.Largest, Tolerance = 1e-10, Seed = 3, Basis = basis });
            Assert.Equal(new[] { 3.0, 3.0 }, two.Values.Select(v => Math.Round(v, 8)).ToArray());
            Assert.All(two.Pairs, p => Assert.True(p.Converged && p.Residual <= 1e-8, $"basis {basis}: residual {p.Residual}"));
        }
        var four = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 4, Which = EigenTarget.Largest, Tolerance = 1e-10, Seed = 3 });
        Assert.Equal(new[] { 3.0, 3.0, 2.0, 0.0 }, four.Values.Select(v => Math.Round(v, 8)).ToArray());
    }

    [Fact]
    public void Stops_early_when_residuals_are_small_and_counts_its_applications()
    {
        var spectrum = new List<double> { 50, 20 };
        for (int i = 0; i < 198; i++) spectrum.Add(1 + i * 0.01);
        using var op = DenseOperator.WithSpectrum(spectrum.ToArray(), seed: 5);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Tolerance = 1e-4 });
        Assert.True(result.Steps < 60, $"took {result.Steps} steps");
        Assert.Equal(result.Steps + 2, result.OperatorApplications); // + one residual check per pair
        Assert.Equal(op.ApplyCount, result.OperatorApplications);
        Assert.True(Math.Abs(result.Values[0] - 50) < 1e-4 * 50 && Math.Abs(result.Values[1] - 20) < 1e-4 * 20);
    }
}
