using Lla.Runs;

namespace Lla.Studies.Scoring;

/// <summary>The settings of `lla study score` (score.json's <c>options</c>; keys are the flags, and the TABLE argument, in snake case).</summary>
[JobName("study score")]
public sealed record ScoreSettings : JobSettings
{
    public string Table { get; init; } = "";
    public IReadOnlyList<string> Axes { get; init; } = Array.Empty<string>();
    /// <summary>The measure columns scored; null: every other numeric column.</summary>
    public IReadOnlyList<string>? Measures { get; init; }
    public IReadOnlyList<string> Negate { get; init; } = Array.Empty<string>();
    /// <summary>The test-set size of the sign-error weights; null: the table's test_size column.</summary>
    public int? TestSize { get; init; }
    public int Resamples { get; init; }
    public long Seed { get; init; }
}
