namespace Lla.Curvature;

/// <summary>The generalization criteria of one SLQ run. Null values carry a reason in <see cref="Note"/>.</summary>
public sealed record RunCriteria(double LambdaMin, double LambdaMax, double? Re, double? Kh, double Ct, string? Note);

/// <summary>
/// Criteria averaged over SLQ runs, with their spread (sample standard deviation over runs, 0 for
/// one run). <see cref="HesdType"/> is decided by <see cref="HesdTypes.Of"/>: "MP" (mainly positive, the
/// criteria apply) when the mean Ct is at least the threshold, "MN" (mainly negative, they do not) below it,
/// and "undefined" when some run has no positive eigenvalue (λmax ≤ 0).
/// </summary>
public sealed record CriteriaResult(
    IReadOnlyList<RunCriteria> Runs,
    double? Re, double? ReStd,
    double? Kh, double? KhStd,
    double Ct, double CtStd,
    double KhPower, double CtThreshold,
    string HesdType, IReadOnlyList<string> Notes)
{
    /// <summary>What <see cref="HesdType"/> means for the criteria (<see cref="HesdTypes.Meaning"/>).</summary>
    public string Meaning { get; init; } = "";
}

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
        bool noPositive = perRun.Any(c => c.LambdaMax <= 0);
        if (noPositive) notes.Add("the spectrum has no positive eigenvalue (λmax ≤ 0), so the HESD type is undefined");
        var type = HesdTypes.Of(noPositive, ct, ctThreshold);
        return new CriteriaResult(perRun, re, reStd, kh, khStd, ct ?? double.NaN, ctStd ?? 0, khPower, ctThreshold, type.Code(), notes)
        {
            Meaning = HesdTypes.Meaning(type, ct ?? double.NaN, ctThreshold),
        };
    }

    internal static RunCriteria OneRun(SlqRun run, double n)
    {
        double min = run.Nodes.Min(), max = run.Nodes.Max();
        string? note = null;
        double? re = null;
        double ct;
        if (max == 0) { note = "λmax = 0, so re and Ct are undefined"; ct = min < 0 ? double.NegativeInfinity : 0; }
        else { re = Math.Abs(min / max); ct = min / max; }
        // In log space, so that a large n neither underflows nor overflows the sums (at n = 1e300 every
        // |λw| ≠ 1 raised to n is 0 or ∞ in doubles): as n grows Kh tends to 0, ∞ or the ratio of the
        // counts of the largest negative and positive |λw|, and this computes that limit.
        var logPositive = new List<double>();
        var logNegative = new List<double>();
        for (int k = 0; k < run.Nodes.Length; k++)
        {
            double lw = run.Nodes[k] * run.Weights[k];
            if (lw > 0) logPositive.Add(Math.Log(lw));
            else if (lw < 0) logNegative.Add(Math.Log(-lw));
        }
        double? kh = null;
        if (logPositive.Count == 0)
            note = (note is null ? "" : note + "; ") + "no positive eigenvalue mass, so Kh is infinite";
        else if (logNegative.Count == 0) kh = 0;
        else
        {
            // log Σ|λw|^n = n·a_max + log Σ exp(n·(a_i − a_max)) with a = log|λw|: every exponent ≤ 0.
            double maxNegative = logNegative.Max(), maxPositive = logPositive.Max();
            double gap = maxNegative - maxPositive;
            double logKh = (gap == 0 ? 0 : n * gap) + Math.Log(SumExp(logNegative, maxNegative, n)) - Math.Log(SumExp(logPositive, maxPositive, n));
            kh = Math.Exp(logKh);
            if (double.IsPositiveInfinity(kh.Value))
            {
                kh = null;
                note = (note is null ? "" : note + "; ") + $"Kh{n:G3} = 10^{logKh / Math.Log(10):G4} is beyond the largest double: at this power the largest negative |λ·w| outweighs every positive one";
            }
        }
        return new RunCriteria(min, max, re, kh, ct, note);
    }

    /// <summary>Σ exp(n·(a_i − max)): at least 1 (the largest term), every term at most 1.</summary>
    private static double SumExp(List<double> a, double max, double n)
    {
        double sum = 0;
        foreach (double v in a) sum += v == max ? 1 : Math.Exp(n * (v - max));
        return sum;
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
