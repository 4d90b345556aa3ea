using Lla.Runs;
using Lla.Landscapes;

namespace Lla.Landscapes;

/// <summary>A finished plane as its entry in results.json's <c>landscapes</c>.</summary>
public static class LandscapeRecords
{
    /// <summary>Settings that apply to every plane of a run.</summary>
    public sealed record Settings(bool IgnoreBiasAndBatchNorm, IReadOnlyList<string> Frozen, double? LossCap);

    public static LandscapeRecord From(PlaneSpec spec, Grid grid, Surface s, IReadOnlyDictionary<string, double> facts, Settings settings,
        string? directionsFile, double seconds, PathRecord? path = null) => new()
    {
        Axes = spec.Axes.Name(),
        Norm = spec.Norm.Name(),
        Order = spec.Order,
        Mode = spec.Mode == UpdateRule.AdamEq ? "adameq" : "add",
        Label = spec.Label,
        Seed = spec.Seed,
        Steps = grid.Steps,
        Distance = grid.Distance,
        IgnoreBiasbn = settings.IgnoreBiasAndBatchNorm,
        Frozen = settings.Frozen,
        LossCap = settings.LossCap,
        AxesFacts = facts,
        Alphas = s.Alphas,
        Betas = s.Betas,
        Loss = s.Loss,
        Accuracy = s.Accuracy,
        DirectionsFile = directionsFile,
        PointsComputed = s.Computed,
        PointsResumed = s.Resumed,
        Seconds = seconds,
        Path = path,
    };

    /// <summary>A stored plane as the surface the evaluator returned (for plots).</summary>
    public static Surface ToSurface(LandscapeRecord l) => new(l.Alphas.ToArray(), l.Betas.ToArray(),
        l.Loss.Select(r => r.ToArray()).ToArray(), l.Accuracy.Select(r => r.ToArray()).ToArray(), l.PointsComputed, l.PointsResumed);
}
