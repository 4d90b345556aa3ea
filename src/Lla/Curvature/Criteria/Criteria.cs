namespace Lla.Curvature;

/// <summary>The generalization criteria of one SLQ run. Null values carry a reason in <see cref="Note"/>.</summary>
public sealed record RunCriteria(double LambdaMin, double LambdaMax, double? Re, double? Kh, double Ct, string? Note);

/// <summary>
/// Criteria averaged over SLQ runs, with their spread (sample standard deviation over runs, 0 for
/// one run). <see cref="HesdType"/> is "MP" (mainly positive, the criteria apply) when the mean Ct
/// is at least the threshold, "MN" (mainly negative, they do not) below it, and "undefined" when some
/// run has no positive eigenvalue (λmax ≤ 0).
/// </summary>
public sealed record CriteriaResult(
    IReadOnlyList<RunCriteria> Runs,
    double? Re, double? ReStd,
    double? Kh, double? KhStd,
    double Ct, double CtStd,
    double KhPower, double CtThreshold,
    string HesdType, IReadOnlyList<string> Notes);

public static class Criteria
{
    public const double DefaultKhPower = 0.5;
    public const double DefaultCtThreshold = -0.6;

    /// <summary>
    /// Per run: re = |λmin/λmax|, Kh_n = |N/P| with P = Σ_{λ>0}(λw)^n and N = Σ_{λ<0}|λw|^n (terms with
    /// λ·w = 0 enter neither sum), Ct = λmin/λmax. Then means and spreads over runs.
    /// </summary>
    public static CriteriaResult FromSpectrum(IReadOnlyList<SlqRun> runs, double khPower = DefaultKhPower, double ctThreshold = DefaultCtThreshold)
    {
        if (runs.Count == 0) throw new ArgumentException("no SLQ runs");
        if (khPower < 0 || double.IsNaN(khPower)) throw new LlaException($"{{kh-power}} must not be negative (got {khPower})");
        var perRun = runs.Select(r => OneRun(r, khPower)).ToList();
        var notes = perRun.Select((c, i) => c.Note is null ? null : $"run {i + 1}: {c.Note}").OfType<string>().Distinct().ToList();

        var (re, reStd) = MeanStd(perRun.Select(c => c.Re).ToList());
        var (kh, khStd) = MeanStd(perRun.Select(c => c.Kh).ToList());
        var (ct, ctStd) = MeanStd(perRun.Select(c => (double?)c.Ct).ToList());
        string type;
        if (perRun.Any(c => c.LambdaMax <= 0))
        {
            type = "undefined";
            notes.Add("the spectrum has no positive eigenvalue (λmax ≤ 0), so the HESD type is undefined");
        }
        else type = ct!.Value >= ctThreshold ? "MP" : "MN";
        return new CriteriaResult(perRun, re, reStd, kh, khStd, ct ?? double.NaN, ctStd ?? 0, khPower, ctThreshold, type, notes);
    }

    internal static RunCriteria OneRun(SlqRun run, double n)
    {
        double min = run.Nodes.Min(), max = run.Nodes.Max();
        string? note = null;
        double? re = null;
        double ct;
        if (max == 0) { note = "λmax = 0, so re and Ct are undefined"; ct = min < 0 ? double.NegativeInfinity : 0; }
        else { re = Math.Abs(min / max); ct = min / max; }
        double positive = 0, negative = 0;
        for (int k = 0; k < run.Nodes.Length; k++)
        {
            double lw = run.Nodes[k] * run.Weights[k];
            if (lw > 0) positive += Math.Pow(lw, n);
            else if (lw < 0) negative += Math.Pow(-lw, n);
        }
        double? kh = null;
        if (positive > 0) kh = Math.Abs(negative / positive);
        else note = (note is null ? "" : note + "; ") + "no positive eigenvalue mass, so Kh is infinite";
        return new RunCriteria(min, max, re, kh, ct, note);
    }

    /// <summary>Mean and sample standard deviation; null when any value is null or not finite.</summary>
    private static (double? Mean, double? Std) MeanStd(IReadOnlyList<double?> values)
    {
        if (values.Any(v => v is null || !double.IsFinite(v.Value))) return (null, null);
        var x = values.Select(v => v!.Value).ToArray();
        double mean = x.Average();
        double std = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
        return (mean, std);
    }
}
