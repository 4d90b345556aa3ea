using Lla.Data;

namespace Lla.Objectives;

/// <summary>Which samples an analysis uses and how BatchNorm treats them: the split, batches, order and BatchNorm mode.</summary>
public sealed record DataSelection(Split Split, int BatchSize, int? MaxBatches, bool Shuffle, BatchNormMode BatchNorm)
{
    /// <summary>The selection as a front end names it: the split and the BatchNorm mode by name, the batches as a count or "all".</summary>
    public static DataSelection Parse(string split, int batchSize, string batches, bool shuffle, string batchNorm) => new(
        SettingNames.Parse<Split>(split, "split"),
        batchSize,
        ParseBatches(batches),
        shuffle,
        SettingNames.Parse<BatchNormMode>(batchNorm, "bn"));

    /// <summary>The batches: a positive count, or "all" (null: every batch).</summary>
    public static int? ParseBatches(string value)
    {
        if (value == "all") return null;
        if (int.TryParse(value, out int n) && n >= 1) return n;
        throw new LlaException($"{{batches}} must be a positive number or 'all' (got '{value}')");
    }
}
