using System.Text.Json.Serialization;

namespace Lla.Runs;

/// <summary>`lla train`'s FILE.json: options, seed, versions, guard and the per-epoch history.</summary>
public sealed record TrainResults
{
    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    public string Command { get; init; } = "train";
    public string Model { get; init; } = "";
    public string Data { get; init; } = "";
    public string Optimizer { get; init; } = "";
    public long Seed { get; init; }
    public JobSettings? Options { get; init; }
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    public GuardRecord? NumericGuard { get; init; }
    public double? TestAccuracy { get; init; }
    public IReadOnlyList<EpochRecord> Epochs { get; init; } = Array.Empty<EpochRecord>();
    public IReadOnlyList<string> Trajectory { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Analyses { get; init; } = Array.Empty<string>();
    /// <summary>The held-out validation set, as a data spec whose test split it is (holdout:F:DATA), its paths relative to the record's folder; null without one.</summary>
    public string? Validation { get; init; }
    /// <summary>The TensorBoard log folder the run wrote its event files to (absolute); null without one.</summary>
    [JsonPropertyName("tensorboard"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? TensorBoard { get; init; }
    public double Seconds { get; init; }
    /// <summary>
    /// A check that failed although the training finished (the numeric guard after it, or one refusing an epoch's analysis), in one line;
    /// null when every check passed. The weights are saved either way: the user decides.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FailedCheck { get; init; }
    /// <summary>In a study's record (study.json's meta.training): the study's own words for the model's recipe.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Recipe { get; init; }
}

/// <summary>One epoch of a training; the validation values (on <see cref="TrainResults.Validation"/>) only with a validation split.</summary>
public sealed record EpochRecord(int Epoch, double? TrainLoss, double? TrainAccuracy, double? TestLoss, double? TestAccuracy, double? Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationLoss = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValidationAccuracy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? FitAccuracy = null)
{
    /// <summary>A language model's (next-token loss) perplexities exp(loss), per measured split; null otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TrainPerplexity { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TestPerplexity { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ValidationPerplexity { get; init; }

    /// <summary>This record with the perplexity of every loss it holds (for a next-token loss).</summary>
    public EpochRecord WithPerplexities() => this with
    {
        TrainPerplexity = TrainLoss is double train ? Math.Exp(train) : null,
        TestPerplexity = TestLoss is double test ? Math.Exp(test) : null,
        ValidationPerplexity = ValidationLoss is double validation ? Math.Exp(validation) : null,
    };
}
