using Lla.Guard;
using Lla.Measures;
using Lla.Objectives;
using Lla.Data;
using Lla.Parallel;
using Lla.Runs;

namespace Lla.Analysis;

/// <summary>
/// `lla analyze` as one library call, also what `lla train --analyze-every` runs on an epoch's
/// checkpoint: a Hessian run with its profile's settings (batch size, SLQ runs and steps, overview
/// planes, the curvature split), the trace and the spectral density on, and the cheap measure
/// families on the same data. Both callers get the same analysis.
/// </summary>
public static class AnalyzeRun
{
    /// <summary>The Hessian run `analyze` makes of <paramref name="asked"/>: the profile's settings in place of its own, trace, density and the cheap measures on.</summary>
    public static HessianRunOptions Options(HessianRunOptions asked, AnalyzeProfile profile)
    {
        return asked with
        {
            Command = "analyze",
            Profile = profile.Name,
            Selection = asked.Selection with { BatchSize = profile.BatchSize },
            Analysis = asked.Analysis with { Trace = true, Esd = true, Runs = profile.Runs, LanczosSteps = profile.LanczosSteps },
            LandscapeSteps = profile.LandscapeSteps,
            SplitCurvature = asked.SplitCurvature || profile.SplitCurvature,
            Measures = MeasureFamilies.Cheap,
        };
    }

    /// <summary>`analyze` with every setting at its default: the profile on one batch of the training split, BatchNorm in train mode.</summary>
    public static HessianRunOptions Options(ModelSource source, string outDir, AnalyzeProfile profile, OneDnnSetting oneDnn = OneDnnSetting.Auto) => Options(new HessianRunOptions
    {
        Source = source,
        Selection = new DataSelection(Split.Train, profile.BatchSize, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
        Analysis = new Curvature.HessianAnalysisOptions { Seed = source.Seed },
        OneDnn = oneDnn,
        OutDir = outDir,
    }, profile);

    /// <summary>Runs the analysis of <see cref="Options(HessianRunOptions, AnalyzeProfile)"/> (see <see cref="HessianRun.Execute"/>).</summary>
    public static RunResults Execute(HessianRunOptions asked, AnalyzeProfile profile, Action<Curvature.AnalysisProgress>? progress = null, IProcessGroup? group = null, Action<string>? say = null) =>
        HessianRun.Execute(Options(asked, profile), progress, group, say);
}
