using Lla.Curvature;
using Lla.Tests.Support;

namespace Lla.Tests.Curvature;

public class SpectralDensityTests
{
    public SpectralDensityTests() => TestTorch.Init();

    [Fact]
    public void Trace_and_second_moment_are_within_the_estimators_spread()
    {
        int n = 120, runs = 30;
        var g = new Random(8);
        var spectrum = Enumerable.Range(0, n).Select(_ => g.NextDouble() * 10 - 2).ToArray();
        spectrum[0] = 40;
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 12);
        var result = SpectralDensity.Estimate(op, new SlqOptions { Runs = runs, Steps = 40, Seed = 3 });

        // With a Rademacher start z (‖z‖² = n) Gauss quadrature of 40 nodes is exact for polynomials
        // of degree ≤ 79, so per run n·Σwλ = zᵀAz and n·Σwλ² = zᵀA²z exactly: Hutchinson estimators
        // whose variance is 2(‖M‖²_F − Σ M_ii²) for M = A, A². The mean of R runs is within 4 standard
        // errors with probability > 0.9999 (the seed is fixed, so the test is deterministic).
        var a = op.Matrix;
        var a2 = a.mm(a);
        double Sigma(Tensor m) => Math.Sqrt(2 * (m.pow(2).sum().ToDouble() - m.diagonal().pow(2).sum().ToDouble()) / runs);
        double trace = spectrum.Sum(), second = spectrum.Sum(l => l * l);
        Assert.True(Math.Abs(result.TraceEstimate - trace) <= 4 * Sigma(a), $"trace {result.TraceEstimate} vs {trace} (σ {Sigma(a)})");
        Assert.True(Math.Abs(result.SecondMomentEstimate - second) <= 4 * Sigma(a2), $"second moment {result.SecondMomentEstimate} vs {second}");
        foreach (var run in result.Runs)
        {
            Assert.Equal(1.0, run.Weights.Sum(), 12);
            Assert.Equal(40, run.Nodes.Length);
            Assert.InRange(run.Nodes.Max(), 40 - 1e-6, 40 + 1e-6); // the isolated top eigenvalue is found exactly
        }
        Assert.Equal(runs * 40, result.OperatorApplications);
    }

    [Fact]
    public void Nodes_are_the_eigenvalues_when_steps_reach_the_dimension()
    {
        var spectrum = new double[] { -2, -1, 0.5, 1, 3, 7, 7.5, 9 };
        using var op = DenseOperator.WithSpectrum(spectrum, seed: 2);
        var result = SpectralDensity.Estimate(op, new SlqOptions { Runs = 1, Steps = 8, Seed = 1 });
        var nodes = result.Runs[0].Nodes.OrderBy(x => x).ToArray();
        for (int i = 0; i < 8; i++) Assert.Equal(spectrum[i], nodes[i], 9);
    }

    [Fact]
    public void Smoothed_density_integrates_to_one_and_peaks_at_the_nodes()
    {
        var run = new SlqRun(new[] { -1.0, 0.0, 10.0 }, new[] { 0.2, 0.5, 0.3 }, 3);
        var esd = new SpectralDensityResult(new[] { run }, 3, 3, 0);
        var density = esd.Smooth(bins: 20_000);
        double dx = density.X[1] - density.X[0];
        Assert.Equal(1.0, density.Density.Sum() * dx, 6);
        int peak = Array.IndexOf(density.Density, density.Density.Max());
        Assert.True(Math.Abs(density.X[peak]) < 2 * dx, $"highest peak at {density.X[peak]}");
    }
}
