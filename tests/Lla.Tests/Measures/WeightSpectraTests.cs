using Lla.Measures;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

public class WeightSpectraTests
{
    public WeightSpectraTests() => TestTorch.Init();

    [Fact]
    public void A_power_law_sample_gives_back_its_exponent()
    {
        // p(λ) ∝ λ^(−α) on [1, ∞) by inversion: λ = U^(−1/(α−1)). The MLE's standard error is (α − 1)/√n ≈ 0.045
        // for n = 2,000 and α = 3 (1.5%): 5% is over three standard errors.
        var random = new Random(12);
        foreach (double alpha in new[] { 2.5, 3.0, 4.0 })
        {
            var sample = Enumerable.Range(0, 2000).Select(_ => Math.Pow(1 - random.NextDouble(), -1 / (alpha - 1))).ToArray();
            var fit = PowerLawFit.Fit(sample);
            Assert.True(Math.Abs(fit.Alpha - alpha) <= 0.05 * alpha, $"α = {alpha}: fitted {fit.Alpha} (x_min {fit.XMin}, tail {fit.TailCount})");
            Assert.True(fit.KsDistance < 0.05, $"KS distance {fit.KsDistance}");
        }
    }

    [Fact]
    public void Power_law_fit_of_a_hand_checked_tail()
    {
        // Values 1, e, e²: with x_min = 1 the tail has n = 3 and Σ ln(λ/x_min) = 0 + 1 + 2 = 3, so α = 2;
        // P(x) = 1 − 1/x gives 0, 1 − 1/e, 1 − 1/e² against steps 0|1/3, 1/3|2/3, 2/3|1: D = max(1/3, 0.6321−1/3, 0.6321−2/3, 0.8647−2/3, 1−0.8647) = 1/3.
        // With x_min = e: n = 2, Σ = 1, α = 3, P = 0, 1 − e^(−2) = 0.8647 against 0|1/2, 1/2|1: D = 1/2. So x_min = 1 wins.
        var fit = PowerLawFit.Fit(new[] { 1.0, Math.E, Math.E * Math.E });
        Assert.Equal(2.0, fit.Alpha, 12);
        Assert.Equal(1.0, fit.XMin);
        Assert.Equal(1.0 / 3, fit.KsDistance, 12);
        Assert.Equal(3, fit.TailCount);
    }

    [Fact]
    public void A_gaussian_layer_has_the_marchenko_pastur_spectral_norm_and_stable_rank()
    {
        // W: 1000 × 250 with N(0, 1) entries, q = 250/1000. Marchenko–Pastur: λ_max ≈ N(1 + √q)² = 2250 and
        // Σλ = ‖W‖_F² ≈ N·M, so stable rank ≈ M/(1 + √q)² = 111.1. Finite-size fluctuations of λ_max are
        // O(N^(−2/3)) ≈ 1%: 3% tolerances.
        torch.manual_seed(5);
        var layer = Linear(250, 1000, hasBias: false);
        layer.to(ScalarType.Float64);
        using (no_grad()) layer.weight!.copy_(randn(new long[] { 1000, 250 }, dtype: ScalarType.Float64, generator: new Generator(5)));
        var model = Sequential(("big", layer), ("small", Linear(3, 2)));
        var values = WeightSpectra.Compute(model);
        double logNorm = values.Single(v => v.Name == "ww_log_spectral_norm").Value!.Value;
        double stableRank = values.Single(v => v.Name == "ww_stable_rank").Value!.Value;
        Assert.True(Math.Abs(Math.Pow(10, logNorm) / 2250 - 1) <= 0.03, $"λ_max {Math.Pow(10, logNorm)}");
        Assert.True(Math.Abs(stableRank / (250 / 2.25) - 1) <= 0.03, $"stable rank {stableRank}");
        var alpha = values.Single(v => v.Name == "ww_alpha");
        var only = Assert.Single(alpha.Layers!);
        Assert.Equal("big", only.Layer);
        Assert.Equal(250, only.EigenvalueCount);
        Assert.True(alpha.DataFree);
        var skipped = Assert.Single(alpha.SkippedLayers!);
        Assert.Equal("small", skipped.Layer);
        Assert.Contains("fewer than 20", skipped.Reason);
        Assert.Equal(only.Alpha * Math.Log10(only.LambdaMax), values.Single(v => v.Name == "ww_alpha_weighted").Value!.Value, 12);
    }

    [Fact]
    public void A_convolution_pools_the_spectra_of_its_kernel_slices()
    {
        var kernel = randn(new long[] { 8, 4, 3, 3 }, dtype: ScalarType.Float64, generator: new Generator(2));
        var eigenvalues = WeightSpectra.Eigenvalues(kernel);
        Assert.Equal(9 * 4, eigenvalues.Length); // 9 slices of 8 × 4, 4 singular values each
        var expected = new List<double>();
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                expected.AddRange(linalg.eigvalsh(kernel[.., .., a, b].t().mm(kernel[.., .., a, b])).data<double>().ToArray());
        Assert.Equal(expected.OrderBy(v => v).ToArray(), eigenvalues.OrderBy(v => v).ToArray(), new Tolerance(1e-10));
    }

    private sealed class Tolerance(double relative) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= relative * Math.Max(1, Math.Abs(y));
        public int GetHashCode(double obj) => 0;
    }
}
