using Lla.Curvature;
using Lla.Tests.Support;

namespace Lla.Tests.Curvature;

public class PowerAndTraceTests
{
    public PowerAndTraceTests() => TestTorch.Init();

    [Fact]
    public void Power_iteration_finds_well_separated_top_eigenvalues()
    {
        var spectrum = new List<double> { 10, -6, 2 };
        for (int i = 0; i < 47; i++) spectrum.Add(0.01 * i);
        using var op = DenseOperator.WithSpectrum(spectrum.ToArray(), seed: 3);
        var result = PowerIteration.TopEigenpairs(op, new PowerIterationOptions { K = 2, Tolerance = 1e-8, MaxIterations = 500 });
        Assert.Equal(10.0, result.Values[0], 5);
        Assert.Equal(-6.0, result.Values[1], 5);
        Assert.All(result.Pairs, p => Assert.True(p.Converged));
    }

    [Fact]
    public void Power_iteration_with_the_seed_tolerance_stops_short_on_close_eigenvalues_and_residuals_show_it()
    {
        var spectrum = new List<double> { 10, 9.7 };
        for (int i = 0; i < 98; i++) spectrum.Add(0.05 * i);
        using var op = DenseOperator.WithSpectrum(spectrum.ToArray(), seed: 4);
        var power = PowerIteration.TopEigenpairs(op, new PowerIterationOptions { K = 1, Tolerance = 1e-3 });
        var lanczos = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 1 });
        Assert.True(Math.Abs(power.Values[0] - 10) > 1e-4, "power iteration was expected to stop short");
        Assert.True(power.Pairs[0].Residual > lanczos.Pairs[0].Residual);
        Assert.Equal(10.0, lanczos.Values[0], 4);
    }

    [Fact]
    public void Hutchinson_is_within_four_standard_errors_and_reports_its_error()
    {
        var g = new Random(2);
        var spectrum = Enumerable.Range(0, 60).Select(_ => g.NextDouble() * 4 - 1).ToArray();
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 6);
        var result = Hutchinson.Estimate(op, new HutchinsonOptions { MaxIterations = 200, Tolerance = 0 });
        Assert.Equal(200, result.Probes);
        // The exact standard error of one probe is sqrt(2(‖A‖²_F − Σ A_ii²)).
        var a = op.Matrix;
        double sigma = Math.Sqrt(2 * (a.pow(2).sum().ToDouble() - a.diagonal().pow(2).sum().ToDouble()) / 200);
        Assert.True(Math.Abs(result.Trace - spectrum.Sum()) <= 4 * sigma, $"{result.Trace} vs {spectrum.Sum()}");
        Assert.InRange(result.StandardError, 0.5 * sigma, 2 * sigma);
    }

    [Fact]
    public void Hutchinson_is_exact_for_a_diagonal_operator()
    {
        // zᵀDz = Σ D_ii z_i² = tr(D) for every Rademacher z.
        using var op = new DenseOperator(diag(tensor(new double[] { 1, 2, 3, 4 })));
        var result = Hutchinson.Estimate(op, new HutchinsonOptions());
        Assert.Equal(10.0, result.Trace, 12);
        Assert.Equal(0.0, result.StandardError, 12);
    }

    [Fact]
    public void HutchPlusPlus_is_exact_when_the_rank_fits_its_sketch()
    {
        // Rank 8 < k = 10: Q spans the whole range, the residual part is zero.
        var spectrum = new double[50];
        for (int i = 0; i < 8; i++) spectrum[i] = 10 - i;
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 3);
        var result = HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 30, Seed = 1 });
        Assert.Equal(spectrum.Sum(), result.Trace, 9);
        Assert.Equal(30, result.OperatorApplications);
        Assert.Equal("hutch++", result.Method);
    }

    [Fact]
    public void HutchPlusPlus_has_far_less_error_than_Hutchinson_for_the_same_count_on_a_decaying_spectrum()
    {
        // λ_i = 100 / i² (a few large eigenvalues dominate, as in Hessians of trained networks); 40 seeds each, 30 applications.
        var spectrum = Enumerable.Range(1, 200).Select(i => 100.0 / (i * i)).ToArray();
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 4);
        double exact = spectrum.Sum();
        double Rms(Func<long, double> estimate) => Math.Sqrt(Enumerable.Range(0, 40).Average(s => Math.Pow(estimate(s) - exact, 2)));
        double plus = Rms(s => HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 30, Seed = s }).Trace);
        double plain = Rms(s => Hutchinson.Estimate(op, new HutchinsonOptions { MaxIterations = 30, Tolerance = 0, Seed = s }).Trace);
        Assert.True(plus < plain / 5, $"Hutch++ rms error {plus}, Hutchinson {plain}");
        Assert.Throws<LlaException>(() => HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 10 }));
    }
}
