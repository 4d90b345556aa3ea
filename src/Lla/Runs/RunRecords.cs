using Lla.Models;
using Lla.Objectives;
using Lla.Vectors;

namespace Lla.Runs;

/// <summary>The parts of the run record that every analysing job fills the same way.</summary>
public static class RunRecords
{
    public static ModelRecord Model(ModelSource source, ParameterSet parameters, TorchSharp.torch.nn.Module? model = null) => new(
        source.Model,
        source.Weights is null ? "none (seeded random initialization)" : Path.GetFullPath(source.Weights),
        parameters.Dimension,
        parameters.Layout.Names.ToArray(),
        source.DType.ToString().ToLowerInvariant(),
        model is null ? null : ModelSource.WeightsNote(model),
        model is null ? null : ModelSource.ModelFileNotes(model));

    public static DataRecord Data(AnalysisSession session, DataSelection selection) => new(
        session.Source.Data,
        selection.Split.Name(),
        session.Objective.SampleCount,
        session.Batches.Count,
        selection.BatchSize,
        selection.Shuffle,
        session.Data.Description);

    public static string BatchNorm(DataSelection selection) => selection.BatchNorm.Name();

    /// <summary>The perplexity exp(loss) when the source's loss is the next-token loss (a language model's); null otherwise.</summary>
    public static double? Perplexity(ModelSource source, double loss) =>
        source.Loss == LossKind.NextToken ? LossFunctions.Perplexity(loss) : null;

    /// <summary>How many processes did the work and, under MPI, rank 0's MPI calls and the time inside them.</summary>
    public static ProcessRecord Describe(this Parallel.IProcessGroup group) => new(group.Size, group.IsMpi, group.Calls, group.Seconds);
}
