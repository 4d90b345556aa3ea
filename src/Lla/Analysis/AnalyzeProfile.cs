namespace Lla.Analysis;

/// <summary>
/// `analyze`'s settings by profile: quick (pinned to finish in under a minute on 2 cores: one batch of
/// 512 training samples, one 80-step SLQ run, 21×21-point planes) and full (one batch of 2,048, three
/// 100-step SLQ runs, 41×41 points, and the
/// curvature split H = G + R). Explicit settings override a profile.
/// </summary>
public sealed record AnalyzeProfile(string Name, int BatchSize, int Runs, int LanczosSteps, int LandscapeSteps, bool SplitCurvature = false)
{
    public static readonly AnalyzeProfile Quick = new("quick", 512, 1, 80, 20);
    public static readonly AnalyzeProfile Full = new("full", 2048, 3, 100, 40, SplitCurvature: true);

    public static AnalyzeProfile Parse(string name) => name switch
    {
        "quick" => Quick,
        "full" => Full,
        _ => throw new LlaException($"{{profile}} must be quick or full (got '{name}')"),
    };

    /// <summary>The profile with the settings given explicitly (non-null) in place of its own.</summary>
    public AnalyzeProfile Override(int? batchSize, int? runs, int? lanczosSteps, int? landscapeSteps) =>
        this with { BatchSize = batchSize ?? BatchSize, Runs = runs ?? Runs, LanczosSteps = lanczosSteps ?? LanczosSteps, LandscapeSteps = landscapeSteps ?? LandscapeSteps };
}
