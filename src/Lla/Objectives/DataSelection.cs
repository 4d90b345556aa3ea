using Lla.Data;

namespace Lla.Objectives;

/// <summary>Which samples an analysis uses and how BatchNorm treats them: the split, batches, order and BatchNorm mode.</summary>
public sealed record DataSelection(Split Split, int BatchSize, int? MaxBatches, bool Shuffle, BatchNormMode BatchNorm);
