using Lla.Curvature;

namespace Lla.Tests.Curvature;

/// <summary>
/// The conclusions the library words for pages and the console, on closed cases: the HESD type at its threshold, and
/// where the split's negative curvature comes from at the rounding share.
/// </summary>
public class ConclusionsTests
{
    [Fact]
    public void Ct_at_the_threshold_is_mainly_positive_just_below_is_mainly_negative_and_no_positive_eigenvalue_is_undefined()
    {
        Assert.Equal(HesdKind.MainlyPositive, HesdTypes.Of(false, -0.6, -0.6));
        Assert.Equal(HesdKind.MainlyNegative, HesdTypes.Of(false, Math.BitDecrement(-0.6), -0.6));
        Assert.Equal(HesdKind.Undefined, HesdTypes.Of(true, 0.5, -0.6));
        Assert.Equal(HesdKind.Undefined, HesdTypes.Of(false, null, -0.6));
        // A Ct that is not a number (an eigenvalue estimate failed) is undefined too, and says so rather than "no positive eigenvalue".
        Assert.Equal(HesdKind.Undefined, HesdTypes.Of(false, double.NaN, -0.6));
        Assert.StartsWith("Ct is not a finite number", HesdTypes.Meaning(HesdKind.Undefined, double.NaN, -0.6));
        foreach (var kind in Enum.GetValues<HesdKind>()) Assert.Equal(kind, HesdTypes.Parse(kind.Code()));
        Assert.Equal(["MP", "MN", "undefined"], Enum.GetValues<HesdKind>().Select(k => k.Code()));
    }

    [Fact]
    public void The_criteria_carry_the_meaning_of_their_type_with_the_numbers()
    {
        // One run, nodes −1 and 10 (weights ½): Ct = −0.1 ≥ −0.6.
        var c = Criteria.FromSpectrum([new SlqRun([-1.0, 10.0], [0.5, 0.5], 2)]);
        Assert.Equal("MP", c.HesdType);
        Assert.StartsWith("The spectrum is mainly positive (Ct = -0.1 ≥ -0.6), so the generalization criteria apply", c.Meaning);
        var mn = Criteria.FromSpectrum([new SlqRun([-10.0, 1.0], [0.5, 0.5], 2)]);
        Assert.StartsWith("The spectrum is mainly negative (Ct = -10 < -0.6): the generalization criteria do not apply", mn.Meaning);
        var undefined = Criteria.FromSpectrum([new SlqRun([-2.0, -1.0], [0.5, 0.5], 2)]);
        Assert.Equal("undefined", undefined.HesdType);
        Assert.Equal("The spectrum has no positive eigenvalue, so the HESD type and the criteria are undefined here.", undefined.Meaning);
    }

    private static SpectralMassResult Mass(double negative, double positive) => new([], negative, 0, positive, 0, negative / (negative + positive), 0);

    [Fact]
    public void A_negative_mass_at_the_rounding_share_counts_as_none_and_the_verdict_says_where_the_rest_comes_from()
    {
        // n = 1000: a mass per dimension of 1e-3 is Σ|λ<0| ≈ 1.
        var psd = SplitVerdicts.Of(Mass(1e-9, 1), Mass(0, 1), Mass(1e-9, 1), 1000);
        Assert.Equal(NegativeCurvatureSource.None, psd.Source);
        Assert.Equal("G, the loss's curvature seen through the network's Jacobian, has no negative eigenvalues, and neither H nor R has measurable negative curvature: " +
                     "H is positive semi-definite here.", psd.Sentence);
        var cancelled = SplitVerdicts.Of(Mass(1e-9, 1), Mass(0, 1), Mass(2e-3, 1), 1000);
        Assert.Equal(NegativeCurvatureSource.CancelledByGgn, cancelled.Source);
        Assert.Contains("R = H − G has negative curvature (Σ|λ<0| ≈ 2), but G's positive curvature cancels all of it", cancelled.Sentence);
        var residual = SplitVerdicts.Of(Mass(1e-3, 1), Mass(1e-12, 1), Mass(4e-3, 1), 1000);
        Assert.Equal(NegativeCurvatureSource.Residual, residual.Source);
        Assert.Contains("all of H's negative curvature (Σ|λ<0| ≈ 1) comes from the residual R = H − G (Σ|λ<0| ≈ 4)", residual.Sentence);
        Assert.EndsWith("H keeps 25% of R's negative mass; G's positive curvature cancels the rest.", residual.Sentence);
        var rounding = SplitVerdicts.Of(Mass(1e-3, 1), Mass(1e-6, 1), Mass(1e-3, 1), 1000);
        Assert.StartsWith("G shows a negative mass of 0.001 (rounding: G is positive semi-definite)", rounding.Sentence);
    }
}
