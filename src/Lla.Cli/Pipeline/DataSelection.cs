using Lla.Data;
using Lla.Objectives;

namespace Lla.Cli.Pipeline;

/// <summary>Which samples an analysis uses and how BatchNorm treats them: the split, batches, order and BatchNorm mode.</summary>
internal sealed record DataSelection(Split Split, int BatchSize, int? MaxBatches, bool Shuffle, BatchNormMode BatchNorm);
