using Lla.Curvature;

namespace Lla.Tests.Curvature;

public class SpectralMassTests
{
    [Fact]
    public void Negative_mass_is_the_weighted_magnitude_of_the_negative_nodes()
    {
        var run = new SlqRun(new[] { -2.0, -0.5, 0.0, 1.0, 4.0 }, new[] { 0.1, 0.2, 0.3, 0.2, 0.2 }, 5);
        var mass = SpectralMass.OfRun(run);
        Assert.Equal(2 * 0.1 + 0.5 * 0.2, mass.Negative, 15);
        Assert.Equal(1 * 0.2 + 4 * 0.2, mass.Positive, 15);
        Assert.Equal(0.3 / 1.3, mass.NegativeShare, 15);
    }

    [Fact]
    public void Runs_are_averaged_with_their_spread_and_n_times_the_mass_is_the_negative_trace_for_an_exact_quadrature()
    {
        // An SLQ run whose Krylov space is the whole space has the eigenvalues as nodes; with weights 1/n each
        // (a start vector with equal components in every eigenvector), n·Negative = Σ_{λ<0}|λ|.
        var eigenvalues = new[] { -3.0, -1.0, 2.0, 5.0 };
        var exact = new SlqRun(eigenvalues, Enumerable.Repeat(0.25, 4).ToArray(), 4);
        var other = new SlqRun(new[] { -1.0, 3.0 }, new[] { 0.5, 0.5 }, 2);
        var result = SpectralMass.FromSpectrum(new[] { exact, other });
        Assert.Equal(4.0, 4 * result.Runs[0].Negative, 15);
        Assert.Equal((1.0 + 0.5) / 2, result.Negative, 15);
        Assert.Equal(Math.Sqrt(2 * 0.25 * 0.25), result.NegativeStd, 12);
        Assert.Equal((1.75 + 1.5) / 2, result.Positive, 15);
        Assert.Equal(0.0, SpectralMass.FromSpectrum(new[] { exact }).NegativeStd);
    }
}
