using Lla.Native;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Curvature;

public enum OneDnnSetting { Auto, On, Off }

/// <summary>What was decided about oneDNN for backward passes, and the guard reports behind it.</summary>
public sealed record OneDnnDecision(OneDnnSetting Setting, bool OneDnnForBackward, string Reason, GuardReport? Guard, GuardReport? FallbackGuard)
{
    /// <summary>A later guard run (after the work) with the same setting, recorded beside the first.</summary>
    public GuardReport? PostCheck { get; init; }

    /// <summary>oneDNN as decided for the lifetime of the returned scope (backward work goes inside it); the previous setting after.</summary>
    public IDisposable Scope() => TorchContext.OneDnnScope(OneDnnForBackward);
}

/// <summary>
/// Chooses whether backward passes may use oneDNN, by the numeric guard on the model's own layers
/// and a batch of its data. auto: keep oneDNN (much faster here) if float32 gradients match float64
/// on every repeat, else switch it off and check again; on/off: use that setting, and refuse to go
/// on if its gradients fail the guard. float64 models are not affected and are not checked.
/// Deciding leaves libtorch's oneDNN switch as it found it: work runs under <see cref="OneDnnDecision.Scope"/>.
/// </summary>
public static class OneDnnPolicy
{
    public static OneDnnDecision Decide(OneDnnSetting setting, nn.Module<Tensor, Tensor> model, Func<nn.Module<Tensor, Tensor>> float64Twin,
        LossFunction loss, Batch sample, int repeats = GradientGuard.DefaultRepeats)
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
            var off = GradientGuard.Check(model, twin, loss, sample, repeats);
            Require(off, "{onednn} off");
            return new OneDnnDecision(setting, false, "oneDNN off as asked; float32 gradients match float64", off, null);
        }
        Apply(true);
        var on = GradientGuard.Check(model, twin, loss, sample, repeats);
        if (on.Passed)
            return new OneDnnDecision(setting, true, $"float32 gradients with oneDNN matched float64 on {repeats} of {repeats} repeats", on, null);
        if (setting == OneDnnSetting.On) Require(on, "{onednn} on");
        Apply(false);
        var fallback = GradientGuard.Check(model, twin, loss, sample, repeats);
        Require(fallback, "oneDNN off (after the guard failed with it on)");
        return new OneDnnDecision(setting, false,
            $"float32 gradients with oneDNN were wrong (relative error {on.MaxRelativeError:G3} in {on.WorstParameter}); backward passes run without oneDNN", on, fallback);
    }

    /// <summary>Runs the guard again with the current setting after the work, so an intermittent fault during it is seen.</summary>
    public static OneDnnDecision PostCheck(OneDnnDecision decision, nn.Module<Tensor, Tensor> model, Func<nn.Module<Tensor, Tensor>> float64Twin,
        LossFunction loss, Batch sample, int repeats = GradientGuard.DefaultRepeats)
    {
        if (decision.Guard is null) return decision;
        using var scope = decision.Scope();
        using var twin = float64Twin();
        var report = GradientGuard.Check(model, twin, loss, sample, repeats);
        if (!report.Passed)
            throw new NumericGuardException($"the numeric guard failed after the analysis: float32 gradients differ from float64 by {report.MaxRelativeError:G3} in {report.WorstParameter}; the results are not trustworthy; rerun with {{onednn}} off or {{dtype}} float64");
        return decision with { PostCheck = report };
    }

    /// <summary>Sets the switch for a guard check (restored when Decide returns).</summary>
    private static void Apply(bool oneDnn)
    {
        TorchContext.OneDnn = oneDnn;
        // Without oneDNN, libtorch falls back to NNPACK, which warns on every call where the CPU lacks support.
        if (!oneDnn) TorchContext.Nnpack = false;
    }

    private static void Require(GuardReport report, string what)
    {
        if (!report.Passed)
            throw new NumericGuardException($"the numeric guard failed with {what}: float32 gradients differ from float64 by {report.MaxRelativeError:G3} in {report.WorstParameter}; use {{dtype}} float64");
    }
}
