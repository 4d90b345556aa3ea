using Lla.Data;
using Lla.Native;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Guard;

public enum OneDnnSetting { Auto, On, Off }

/// <summary>What was decided about oneDNN for backward passes, and the guard reports behind it.</summary>
public sealed record OneDnnDecision(OneDnnSetting Setting, bool OneDnnForBackward, string Reason, GuardReport? Guard, GuardReport? FallbackGuard)
{
    /// <summary>A later guard run (after the work) with the same setting, recorded beside the first.</summary>
    public GuardReport? PostCheck { get; init; }

    /// <summary>The decision in one sentence: what was checked, how often, the worst ratio to the rounding floor, and what ran.</summary>
    public string Summary()
    {
        var used = FallbackGuard ?? Guard;
        if (used is null) return Reason;
        var checks = PostCheck is null ? new[] { used } : new[] { used, PostCheck };
        string when = PostCheck is null ? "before the work" : "before and after the work";
        double worst = checks.Max(c => c.Verdict.WorstRatio);
        string verdict = checks.All(c => c.Passed) ? "matched" : "did not match";
        string fallback = FallbackGuard is null ? "" : $" (with oneDNN it did not: {Guard!.Finding}, so backward passes ran without it)";
        return $"The numeric guard compared float32 with float64 in {used.Checked} on {used.Repeats} evaluations {when}: float32 {verdict} " +
            $"(worst {worst:G2}× the measured rounding floor, {used.Verdict.Factor:G}× allowed){fallback}; oneDNN {(OneDnnForBackward ? "on" : "off")} for backward passes.";
    }

    /// <summary>oneDNN as decided for the lifetime of the returned scope (backward work goes inside it); the previous setting after.</summary>
    public IDisposable Scope() => TorchContext.OneDnnScope(OneDnnForBackward);
}

/// <summary>
/// Chooses whether backward passes may use oneDNN, by the numeric guard on the model's own layers
/// and a batch of its data (<see cref="NumericGuard"/>). auto: keep oneDNN (much faster here) if float32
/// matches float64 on every evaluation, else switch it off and check again; on/off: use that setting,
/// and refuse to go on if it fails the guard. float64 models are not affected and are not checked.
/// Deciding leaves libtorch's oneDNN switch as it found it: work runs under <see cref="OneDnnDecision.Scope"/>.
/// </summary>
public static class OneDnnPolicy
{
    public static OneDnnDecision Decide(OneDnnSetting setting, nn.Module<Tensor, Tensor> model, Func<nn.Module<Tensor, Tensor>> float64Twin,
        LossFunction loss, Batch sample, GuardProbe probe, int repeats = NumericGuard.DefaultRepeats)
    {
        using var restore = TorchContext.OneDnnScope(TorchContext.OneDnn);
        var dtype = model.parameters().First().dtype;
        if (dtype != ScalarType.Float32)
        {
            bool keep = setting != OneDnnSetting.Off;
            Apply(keep);
            return new OneDnnDecision(setting, keep, $"{dtype} gradients are not affected by the float32 oneDNN fault; guard not needed", null, null);
        }
        using var twin = float64Twin();
        if (setting == OneDnnSetting.Off)
        {
            Apply(false);
            var off = NumericGuard.Check(model, twin, loss, sample, probe, repeats);
            Require(off, "{onednn} off", probe, offerAuto: true);
            return new OneDnnDecision(setting, false, $"oneDNN off as asked; {Checked(off)}", off, null);
        }
        Apply(true);
        var on = NumericGuard.Check(model, twin, loss, sample, probe, repeats);
        if (on.Passed)
            return new OneDnnDecision(setting, true, $"oneDNN on; {Checked(on)}", on, null);
        if (setting == OneDnnSetting.On) Require(on, "{onednn} on", probe, offerAuto: true);
        Apply(false);
        var fallback = NumericGuard.Check(model, twin, loss, sample, probe, repeats);
        Require(fallback, "oneDNN off (after it failed with oneDNN on)", probe, offerAuto: false);
        return new OneDnnDecision(setting, false,
            $"float32 with oneDNN was wrong ({on.Finding}); backward passes run without oneDNN; {Checked(fallback)}", on, fallback);
    }

    /// <summary>Runs the guard again with the current setting after the work, so an intermittent fault during it is seen.</summary>
    public static OneDnnDecision PostCheck(OneDnnDecision decision, nn.Module<Tensor, Tensor> model, Func<nn.Module<Tensor, Tensor>> float64Twin,
        LossFunction loss, Batch sample, GuardProbe probe, string stage, int repeats = NumericGuard.DefaultRepeats)
    {
        if (decision.Guard is null) return decision;
        using var scope = decision.Scope();
        using var twin = float64Twin();
        var report = NumericGuard.Check(model, twin, loss, sample, probe, repeats);
        if (!report.Passed)
            throw new NumericGuardException($"the numeric guard failed after {stage}: float32 differs from float64 far beyond rounding ({report.Finding}); the results are not trustworthy; {Remedy(decision)}");
        return decision with { PostCheck = report };
    }

    /// <summary>Sets the switch for a guard check (restored when Decide returns).</summary>
    private static void Apply(bool oneDnn)
    {
        TorchContext.OneDnn = oneDnn;
        // Without oneDNN, libtorch falls back to NNPACK, which warns on every call where the CPU lacks support.
        if (!oneDnn) TorchContext.Nnpack = false;
    }

    private static void Require(GuardReport report, string what, GuardProbe probe, bool offerAuto)
    {
        if (!report.Passed)
            throw new NumericGuardException($"the numeric guard failed with {what} before {(probe.Use == GuardUse.Training ? "the training" : "the analysis")}: " +
                $"float32 differs from float64 far beyond rounding ({report.Finding}); the work did not start; use {{dtype}} float64{(offerAuto ? " or {onednn} auto" : "")}");
    }

    /// <summary>What the guard found, in words, for a decision's reason.</summary>
    private static string Checked(GuardReport r) =>
        $"float32 matched float64 in {r.Checked} on {r.Repeats} of {r.Repeats} evaluations (worst: {r.Verdict.WorstRatio:G2}× the rounding floor, {r.Verdict.Factor:G}× allowed)";

    /// <summary>What to do after a failure: oneDNN off if it was on, else float64.</summary>
    public static string Remedy(OneDnnDecision decision) => decision.OneDnnForBackward
        ? "rerun with {onednn} off or {dtype} float64"
        : "rerun with {dtype} float64";
}
