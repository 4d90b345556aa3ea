using Lla.Curvature;
using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Curvature;

/// <summary>
/// Thick-restart Lanczos (issue 26 item 6) on operators of known spectrum and eigenvectors, in
/// dimension 2,000–3,000, float64. Eigenvalues must match to 1e-8 relative, eigenvector subspaces
/// to principal angles of 1e-6 rad (the vectors are stored as float32).
/// </summary>
public class RestartedLanczosTests(ITestOutputHelper output)
{
    private static double[] Spectrum(int n, double[] outliers, double low, double high, int seed)
    {
        var g = new Random(seed);
        var values = new List<double>(outliers);
        while (values.Count < n) values.Add(low + (high - low) * g.NextDouble());
        return values.ToArray();
    }

    /// <summary>Runs with a basis forced to k + 4 and checks values, vectors, restarts and the HVP accounting.</summary>
    private EigenResult AssertExact(double[] spectrum, int k, EigenTarget which, double[] expected)
    {
        TestTorch.Init();
        using var op = new ReflectedDiagonal(spectrum, seed: 11);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = k, Which = which, Tolerance = 1e-10, MaxSteps = 3000, Basis = k + 4, Seed = 5 });
        output.WriteLine($"{which} k={k}: {result.OperatorApplications} HVPs, {result.Restarts} restarts, basis {result.Basis}");
        for (int i = 0; i < k; i++)
            Assert.True(Math.Abs(result.Values[i] - expected[i]) <= 1e-8 * Math.Abs(expected[i]), $"eigenvalue {i}: {result.Values[i]:R} vs {expected[i]}");
        var exactVectors = expected.Select(e => op.Eigenvector(Array.IndexOf(spectrum, e))).ToList();
        var angles = PrincipalAngles.Between(result.Pairs.Select(p => p.Vector).ToList(), exactVectors);
        Assert.True(angles.LargestAngle <= 1e-6, $"largest principal angle {angles.LargestAngle:G3}");
        Assert.Equal(k + 4, result.Basis);
        Assert.True(result.Restarts > 0, "the small basis must have restarted");
        Assert.True(result.AllConverged);
        Assert.Equal(result.Steps + k, result.OperatorApplications); // the steps over all restarts, then one residual check per pair
        Assert.Equal(op.ApplyCount, result.OperatorApplications);
        return result;
    }

    [Fact]
    public void A_basis_of_k_plus_4_finds_a_clustered_top_three()
    {
        var spectrum = Spectrum(3000, new[] { 50.0, 49.99, 49.98 }, -2, 20, seed: 1);
        AssertExact(spectrum, 3, EigenTarget.Largest, new[] { 50.0, 49.99, 49.98 });
    }

    [Fact]
    public void Largest_magnitude_picks_the_most_negative_when_it_is_largest()
    {
        var spectrum = Spectrum(3000, new[] { -80.0, 50.0, 45.0 }, -10, 10, seed: 2);
        AssertExact(spectrum, 2, EigenTarget.LargestMagnitude, new[] { -80.0, 50.0 });
    }

    [Fact]
    public void Smallest_finds_the_negative_end()
    {
        var spectrum = Spectrum(3000, new[] { -5.0, -4.5 }, 1, 30, seed: 3);
        AssertExact(spectrum, 2, EigenTarget.Smallest, new[] { -5.0, -4.5 });
    }

    [Fact]
    public void A_top_eigenvalue_needs_only_the_smallest_basis()
    {
        var spectrum = Spectrum(3000, new[] { 120.0, 80.0 }, -1, 3, seed: 4);
        TestTorch.Init();
        using var op = new ReflectedDiagonal(spectrum, seed: 11);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 1, Tolerance = 1e-10, MaxSteps = 3000, Basis = LanczosBasis.Minimum(1) });
        output.WriteLine($"top-1, basis 3: {result.OperatorApplications} HVPs, {result.Restarts} restarts");
        Assert.Equal(3, result.Basis);
        Assert.True(Math.Abs(result.Values[0] - 120) <= 1e-8 * 120, $"{result.Values[0]:R}");
        Assert.True(result.AllConverged);
    }

    [Fact]
    public void The_basis_is_what_the_budget_holds_and_the_run_still_converges()
    {
        TestTorch.Init();
        // 2,000 float64 parameters: 16,000 bytes a vector; 176,000 bytes hold 11 vectors, the basis and the next one.
        Assert.Equal(10, LanczosBasis.Size(2, 200, 2000, ScalarType.Float64, 176_000));
        Assert.Equal(10, LanczosBasis.Size(2, 200, 2000, ScalarType.Float64, 191_999));
        Assert.Equal(200, LanczosBasis.Size(2, 200, 2000, ScalarType.Float64, 1e12)); // never more than eigen-max-steps
        Assert.Equal(150, LanczosBasis.Size(2, 200, 150, ScalarType.Float64, 1e12));  // nor than the dimension
        // The cases with 11.8 GiB allowed: a float64 ResNet-18 (11.2M) and a float32 ConvNeXt-Tiny (28M) keep 140 and 112 vectors.
        double allowed = 11.8 * (1L << 30);
        Assert.Equal(140, LanczosBasis.Size(2, 200, 11_200_000, ScalarType.Float64, allowed));
        Assert.Equal(112, LanczosBasis.Size(2, 200, 28_000_000, ScalarType.Float32, allowed));
        Assert.Equal(4, LanczosBasis.Size(2, 200, 11_200_000, ScalarType.Float64, 5 * 11_200_000 * 8.0)); // the minimum, k + 2

        var spectrum = Spectrum(2000, new[] { 30.0, 20.0 }, -1, 8, seed: 5);
        using var op = new ReflectedDiagonal(spectrum, seed: 3);
        var result = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Tolerance = 1e-10, MaxSteps = 2000, BasisBudgetBytes = 176_000 });
        Assert.Equal(10, result.Basis);
        Assert.True(result.Restarts > 0);
        Assert.True(Math.Abs(result.Values[0] - 30) <= 1e-8 * 30 && Math.Abs(result.Values[1] - 20) <= 1e-8 * 20, string.Join(", ", result.Values));
    }

    [Fact]
    public void Refused_in_one_line_only_when_the_smallest_basis_cannot_fit()
    {
        TestTorch.Init();
        // 80,000 bytes hold 5 vectors of 2,000 float64 values: the smallest basis for k = 2 (4 and the next one) fits; 79,999 not.
        Assert.Equal(4, LanczosBasis.Size(2, 200, 2000, ScalarType.Float64, 80_000));
        using var op = new ReflectedDiagonal(Spectrum(2000, new[] { 30.0 }, 0, 1, seed: 6), seed: 1);
        var refused = Assert.Throws<LlaException>(() => Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, BasisBudgetBytes = 79_999 }));
        Assert.Equal(0, op.ApplyCount);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.StartsWith("the smallest Lanczos basis for {top-k} 2 (5 vectors of 2,000 parameters) would need", refused.Template);
        // Before any product, through the analysis' check: a trillion float32 parameters cannot hold 4 vectors anywhere.
        var options = new HessianAnalysisOptions { TopK = 1, Trace = false, Esd = false };
        var check = Assert.Throws<LlaException>(() => HessianAnalysis.CheckFits(options, 1_000_000_000_000, ScalarType.Float32));
        Assert.Contains("smallest Lanczos basis for top-k 1 (4 vectors of 1,000,000,000,000 parameters)", check.Message);
    }

    // Measured (HVPs, unrestarted → basis 30): k=2 tol 1e-4 decay 0.3: 18 → 18; k=2 1e-8 0.1: 40 → 40 (1 restart);
    // k=5 1e-8 0.1: 66 → 67 (3); k=10 1e-8 0.1: 97 → 101 (7); k=10 1e-10 0.05: 119 → 123 (9).
    [Theory]
    [InlineData(2, 1e-4, 0.3)]
    [InlineData(2, 1e-8, 0.1)]
    [InlineData(5, 1e-8, 0.1)]
    [InlineData(10, 1e-8, 0.1)]
    [InlineData(10, 1e-10, 0.05)]
    public void A_basis_of_30_costs_at_most_twice_the_hvps_of_the_unrestarted_run(int k, double tolerance, double decay)
    {
        // A Hessian-like spectrum: a power law λ_i = 100·i^(−decay), a fifth of the bulk beyond the top ten negative and smaller.
        TestTorch.Init();
        var g = new Random(7);
        var spectrum = Enumerable.Range(1, 3000).Select(i => 100 * Math.Pow(i, -decay) * (i > 10 && g.NextDouble() < 0.2 ? -0.2 : 1)).ToArray();
        using var plainOp = new ReflectedDiagonal(spectrum, seed: 8);
        using var restartedOp = new ReflectedDiagonal(spectrum, seed: 8);
        var options = new LanczosOptions { K = k, Tolerance = tolerance, MaxSteps = 1000, Seed = 9 };
        var plain = Lanczos.TopEigenpairs(plainOp, options);
        var restarted = Lanczos.TopEigenpairs(restartedOp, options with { Basis = 30 });
        output.WriteLine($"k={k} tol={tolerance:G2} decay {decay}: unrestarted {plain.OperatorApplications} HVPs (basis {plain.Basis}), basis 30: {restarted.OperatorApplications} HVPs, {restarted.Restarts} restarts");
        Assert.Equal(0, plain.Restarts);
        Assert.True(plain.AllConverged && restarted.AllConverged);
        for (int i = 0; i < k; i++) Assert.True(Math.Abs(restarted.Values[i] - plain.Values[i]) <= 10 * tolerance * Math.Abs(plain.Values[i]), $"{i}: {restarted.Values[i]} vs {plain.Values[i]}");
        Assert.True(restarted.OperatorApplications <= 2 * plain.OperatorApplications, $"{restarted.OperatorApplications} vs {plain.OperatorApplications}");
    }
}
