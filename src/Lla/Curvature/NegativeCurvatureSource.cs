using System.Globalization;
using System.Text.Json.Serialization;

namespace Lla.Curvature;

/// <summary>Where the Hessian's negative eigenvalues come from, by the split H = G + R.</summary>
public enum NegativeCurvatureSource
{
    /// <summary>Neither H nor R has measurable negative curvature: H is positive semi-definite here.</summary>
    [SettingName("none")] None,
    /// <summary>R has negative curvature, but G's positive curvature cancels all of it: H shows none.</summary>
    [SettingName("cancelled_by_ggn")] CancelledByGgn,
    /// <summary>H has negative curvature, and all of it comes from the residual R (G ⪰ 0 has none).</summary>
    [SettingName("residual")] Residual,
}

/// <summary>The split's conclusion: where H's negative curvature comes from, and the sentence that says so with the numbers.</summary>
public sealed record SplitVerdict(NegativeCurvatureSource Source, string Sentence);

/// <summary>
/// Concludes the curvature split from the spectral masses (the one place that words it; results store it as
/// <c>curvature_split.verdict</c>). G ⪰ 0 has no negative eigenvalues, so H's come from R (the network's own second
/// derivatives weighted by the loss gradient), and H keeps the share of R's negative mass that G's positive curvature
/// leaves. A negative mass below <see cref="RoundingShare"/> of the same operator's positive mass counts as none (rounding).
/// </summary>
public static class SplitVerdicts
{
    public const double RoundingShare = 1e-9;

    /// <summary>Whether a density has no measurable negative mass (at most <see cref="RoundingShare"/> of its positive mass, or not finite).</summary>
    public static bool NoNegativeMass(double negative, double positive) => !(negative > RoundingShare * positive);

    /// <param name="dimension">The operators' dimension n: a mass per dimension times n estimates the sum of |λ| over the negative eigenvalues.</param>
    public static SplitVerdict Of(SpectralMassResult h, SpectralMassResult g, SpectralMassResult r, long dimension)
    {
        string N(double x) => (x * dimension).ToString("G3", CultureInfo.InvariantCulture);
        static string P(double x) => (100 * x).ToString(x < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";
        bool hNone = NoNegativeMass(h.Negative, h.Positive), rNone = NoNegativeMass(r.Negative, r.Positive);
        var source = hNone && rNone ? NegativeCurvatureSource.None : hNone ? NegativeCurvatureSource.CancelledByGgn : NegativeCurvatureSource.Residual;
        string gWords = NoNegativeMass(g.Negative, g.Positive)
            ? "G, the loss's curvature seen through the network's Jacobian, has no negative eigenvalues"
            : $"G shows a negative mass of {N(g.Negative)} (rounding: G is positive semi-definite)";
        string sentence = source switch
        {
            NegativeCurvatureSource.None => $"{gWords}, and neither H nor R has measurable negative curvature: H is positive semi-definite here.",
            NegativeCurvatureSource.CancelledByGgn =>
                $"{gWords}. The residual R = H − G has negative curvature (Σ|λ<0| ≈ {N(r.Negative)}), but G's positive curvature cancels all of it: H shows none.",
            NegativeCurvatureSource.Residual =>
                $"{gWords}, so all of H's negative curvature (Σ|λ<0| ≈ {N(h.Negative)}) comes from the residual R = H − G (Σ|λ<0| ≈ {N(r.Negative)}): " +
                "the network's own second derivatives weighted by the loss gradient, not the loss's curvature." +
                (r.Negative > 0 ? $" H keeps {P(h.Negative / r.Negative)} of R's negative mass; G's positive curvature cancels the rest." : ""),
        };
        return new SplitVerdict(source, sentence);
    }
}
