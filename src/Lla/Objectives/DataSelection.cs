using Lla.Data;

namespace Lla.Objectives;

/// <summary>
/// Which samples an analysis uses and how BatchNorm treats them: the split, batches, order and BatchNorm mode, and the
/// most samples one forward pass holds (<see cref="MicroBatch"/>; null: <see cref="EvaluationMicroBatch"/>'s rule).
/// </summary>
public sealed record DataSelection(Split Split, int BatchSize, int? MaxBatches, bool Shuffle, BatchNormMode BatchNorm)
{
    /// <summary>The micro-batch asked for (`--micro-batch`); null: a GPT's default, whole batches for other models (<see cref="EvaluationMicroBatch"/>).</summary>
    public int? MicroBatch { get; init; }

    /// <summary>The selection as a front end names it: the split and the BatchNorm mode by name, the batches as a count or "all".</summary>
    public static DataSelection Parse(string split, int batchSize, string batches, bool shuffle, string batchNorm, int? microBatch = null) => new(
        SettingNames.Parse<Split>(split, "split"),
        batchSize,
        ParseBatches(batches),
        shuffle,
        SettingNames.Parse<BatchNormMode>(batchNorm, "bn")) { MicroBatch = microBatch };

    /// <summary>The batches: a positive count, or "all" (null: every batch).</summary>
    public static int? ParseBatches(string value)
    {
        if (value == "all") return null;
        if (int.TryParse(value, out int n) && n >= 1) return n;
        throw new LlaException($"{{batches}} must be a positive number or 'all' (got '{value}')");
    }
}
