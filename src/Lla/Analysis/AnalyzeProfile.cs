namespace Lla.Analysis;

/// <summary>
/// `analyze`'s settings by profile: quick (pinned to finish in under a minute on 2 cores: one batch of
/// 512 training samples, one 80-step SLQ run, 21×21-point planes) and full (one batch of 2,048, three
/// 100-step SLQ runs, 41×41 points, and the
/// curvature split H = G + R). Explicit settings override a profile. A GPT's batch counts windows of many
/// positions: <see cref="For"/> gives it a smaller one.
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

    /// <summary>
    /// How many times fewer samples a profile's batch holds for a next-token model: a sample is then a window of T
    /// predicted positions (64 for the embedded gpt-bytes), so the quick profile's batch of 32 windows is 2,048
    /// predictions, and keeps `lla analyze --model gpt-bytes` near a minute on 2 cores.
    /// </summary>
    public const int WindowDivisor = 16;

    /// <summary>The profile for <paramref name="model"/>: as it is, or with <see cref="WindowDivisor"/> times fewer windows for a GPT.</summary>
    public AnalyzeProfile For(string model) =>
        Models.Gpt.GptConfig.Names(model) ? this with { BatchSize = Math.Max(1, BatchSize / WindowDivisor) } : this;

    /// <summary>The profile with the settings given explicitly (non-null) in place of its own.</summary>
    public AnalyzeProfile Override(int? batchSize, int? runs, int? lanczosSteps, int? landscapeSteps) =>
        this with { BatchSize = batchSize ?? BatchSize, Runs = runs ?? Runs, LanczosSteps = lanczosSteps ?? LanczosSteps, LandscapeSteps = landscapeSteps ?? LandscapeSteps };
}
