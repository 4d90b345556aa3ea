using System.Globalization;

namespace Lla.Curvature;

/// <summary>The type of a Hessian eigenvalue spectral density (HESD): whether the generalization criteria apply to it.</summary>
public enum HesdKind
{
    /// <summary>MP: Ct ≥ the threshold; the criteria apply.</summary>
    MainlyPositive,
    /// <summary>MN: Ct below the threshold; the criteria do not apply.</summary>
    MainlyNegative,
    /// <summary>Some run has no positive eigenvalue (λmax ≤ 0): the type and the criteria are undefined.</summary>
    Undefined,
}

/// <summary>
/// The one place that decides a spectrum's HESD type and words what it means; results store both
/// (<c>criteria.hesd_type</c>, <c>criteria.meaning</c>), and pages and the console print them as stored.
/// </summary>
public static class HesdTypes
{
    /// <summary>Undefined when some run has λmax ≤ 0 or Ct is unknown; MP when Ct ≥ <paramref name="ctThreshold"/>; MN below it.</summary>
    public static HesdKind Of(bool someRunWithoutPositiveEigenvalue, double? ct, double ctThreshold) =>
        someRunWithoutPositiveEigenvalue || ct is not double c || double.IsNaN(c) ? HesdKind.Undefined
        : c >= ctThreshold ? HesdKind.MainlyPositive : HesdKind.MainlyNegative;

    /// <summary>How results name the type: "MP", "MN" or "undefined".</summary>
    public static string Code(this HesdKind kind) => kind switch
    {
        HesdKind.MainlyPositive => "MP",
        HesdKind.MainlyNegative => "MN",
        HesdKind.Undefined => "undefined",
    };

    /// <summary>The type named by <paramref name="code"/> as results store it; any other text is undefined.</summary>
    public static HesdKind Parse(string? code) => code switch
    {
        "MP" => HesdKind.MainlyPositive,
        "MN" => HesdKind.MainlyNegative,
        _ => HesdKind.Undefined,
    };

    /// <summary>What the type means for the criteria, in one paragraph (the page's verdict and the console's closing line).</summary>
    public static string Meaning(HesdKind kind, double ct, double ctThreshold)
    {
        string c = ct.ToString("G3", CultureInfo.InvariantCulture), t = ctThreshold.ToString(CultureInfo.InvariantCulture);
        return kind switch
        {
            HesdKind.MainlyPositive =>
                $"The spectrum is mainly positive (Ct = {c} ≥ {t}), so the generalization criteria apply: the smaller re and Kh are, the flatter and more convex " +
                "the minimum the network sits in. On their own they are not a score: the papers report that when the data changes (a new test set, a shifted " +
                "distribution), the change of re and Kh tracks the change of accuracy, so compare runs of the same model on different data.",
            HesdKind.MainlyNegative =>
                $"The spectrum is mainly negative (Ct = {c} < {t}): the generalization criteria do not apply to this model. Such spectra come from random " +
                "initialization or from training with external gradient manipulation (aggressive gradient clipping, Hessian-based optimizers), and there re " +
                "and Kh do not track accuracy.",
            HesdKind.Undefined => double.IsFinite(ct)
                ? "The spectrum has no positive eigenvalue, so the HESD type and the criteria are undefined here."
                : "Ct is not a finite number (a run has no positive eigenvalue, or an eigenvalue estimate is not finite), so the HESD type and the criteria are undefined here.",
        };
    }
}
