namespace Lla.Guard;

/// <summary>
/// The numeric guard's decision from measured disagreements (METHOD.md, "The numeric guard";
/// docs/numeric-guard.md). For every checked entry (the loss, or one parameter tensor's part of a
/// product or gradient) it gets the relative errors of the float32 evaluations against float64 and the
/// relative disagreements between pairs of float32 evaluations of the same quantity in different
/// summation orders. The entry's rounding floor is the median of those disagreements (so a fault that
/// hits a few evaluations does not raise it), never below <see cref="LowerBound"/>; the entry passes
/// if every error is at most <see cref="Factor"/> times its floor. Pure: no tensors.
/// </summary>
public static class RoundingFloor
{
    /// <summary>float32's machine epsilon (2⁻²³ ≈ 1.19e-7; the unit roundoff is half of it).</summary>
    public const double Float32Epsilon = 1.1920928955078125e-7;

    /// <summary>The c in the floor's lower bound c·ε₃₂·√n.</summary>
    public const double LowerBoundConstant = 1.0;

    /// <summary>
    /// How many times its rounding floor an error may be. float32 errors have a systematic part that no reordering or
    /// re-rounding shows (structured kernels' constants): healthy ratios measured up to 73 (a BatchNorm ResNet-20's gradient at
    /// initialization, oneDNN on, batch 64); the injected 30% fault gives thousands (docs/numeric-guard.md). 200 keeps about 3×
    /// room above the healthy and below a 30% fault on an 11M-parameter model (ResNet-18: 0.3 / (ε₃₂·√n) ≈ 750).
    /// </summary>
    public const double Factor = 200;

    /// <summary>
    /// The largest floor of a whole product (or gradient) that still means rounding: float32 evaluations of it that
    /// disagree among themselves by more, relative to its float64 norm, do not resolve it, whatever the cause (a fault
    /// hitting every evaluation raises the median too). Parts have no such bound: a part that is zero by symmetry (a bias
    /// before BatchNorm) is rounding only, and harmless to the whole. Measured healthy floors: docs/numeric-guard.md.
    /// </summary>
    public const double MaximumFloor = 1e-3;

    /// <summary>
    /// The parameter count beyond which the lower bound stops growing: 2²⁴ (16.8M; every model measured before GPT-2 is
    /// below it, so their bounds are unchanged). Uncapped, the bound of GPT-2 small's 124M parameters was 1.33e-3, and an
    /// error under 27% passed 200× it, where its float32 errors measured 9.6e-7 (docs/numeric-guard.md); capped it is
    /// 4.9e-4, and a 10% error is 205× it.
    /// </summary>
    public const long LowerBoundCap = 1L << 24;

    /// <summary>The floor's lower bound c·ε₃₂·√n for a quantity summed from n terms (n: the model's parameter count, at most <see cref="LowerBoundCap"/>).</summary>
    public static double LowerBound(long n) => LowerBoundConstant * Float32Epsilon * Math.Sqrt(Math.Clamp(n, 1, LowerBoundCap));

    /// <summary>The median of the disagreements; a non-finite one counts as larger than every finite one.</summary>
    public static double Median(IReadOnlyList<double> disagreements)
    {
        if (disagreements.Count == 0) return 0;
        var sorted = disagreements.Select(d => double.IsNaN(d) ? double.PositiveInfinity : d).Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /// <summary>Decides over all entries: the worst one is the one with the largest ratio of error to floor.</summary>
    public static GuardVerdict Decide(IReadOnlyList<GuardEntry> entries, long n, double factor = Factor)
    {
        if (entries.Count == 0) throw new ArgumentException("the guard checked nothing");
        double lower = LowerBound(n);
        GuardVerdict? worst = null;
        foreach (var entry in entries)
        {
            double measured = Median(entry.Disagreements), floor = Math.Max(measured, lower);
            double error = entry.Errors.Count == 0 ? 0 : entry.Errors.Max(e => double.IsNaN(e) ? double.PositiveInfinity : e);
            // A non-finite result, or a floor beyond rounding, fails whatever the ratio (∞/∞ is no verdict).
            // The bound applies to the measured disagreement, not to the lower bound (which grows with √n past it near 70M parameters).
            bool beyond = entry.Whole && measured > MaximumFloor;
            bool resolved = double.IsFinite(error) && !beyond;
            double ratio = resolved ? error / floor : double.PositiveInfinity;
            var verdict = new GuardVerdict(resolved && ratio <= factor, entry.Name, error, floor, ratio, factor, lower) { FloorBeyondRounding = beyond };
            if (worst is null || Worse(verdict, worst)) worst = verdict;
        }
        return worst!;

        // Failing before passing, then the larger ratio, then (among infinite ratios) the larger error.
        static bool Worse(GuardVerdict a, GuardVerdict b) =>
            a.Passed != b.Passed ? !a.Passed : a.WorstRatio != b.WorstRatio ? a.WorstRatio > b.WorstRatio : a.WorstError > b.WorstError;
    }
}

/// <summary>One checked entry: its float32-vs-float64 relative errors and float32-vs-float32 relative disagreements.</summary>
/// <param name="Whole">The whole product or gradient (its floor is bounded by <see cref="RoundingFloor.MaximumFloor"/>), not one part of it.</param>
public sealed record GuardEntry(string Name, IReadOnlyList<double> Errors, IReadOnlyList<double> Disagreements, bool Whole = false);

/// <summary>The guard's decision at its worst entry: error / floor ≤ factor passes.</summary>
public sealed record GuardVerdict(bool Passed, string WorstEntry, double WorstError, double Floor, double WorstRatio, double Factor, double LowerBound)
{
    /// <summary>The entry's float32 evaluations disagree among themselves beyond what rounding explains.</summary>
    public bool FloorBeyondRounding { get; init; }
}
