using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// The data a path is measured on: training batches (also the pass that recomputes BatchNorm statistics, and
/// the batches a curve is trained on), test batches (may be empty: test values are then NaN) and the loss.
/// Inputs must have the models' element type.
/// </summary>
public sealed record PathData(IReadOnlyList<Batch> Train, IReadOnlyList<Batch> Test, LossFunction Loss)
{
    /// <summary>
    /// Checks that there is training data and that every batch's inputs have the model's floating type (a
    /// mismatch inside libtorch would abort the process rather than throw).
    /// </summary>
    public void Validate(nn.Module model)
    {
        if (Train.Count == 0) throw new LlaException("no training data: a path needs at least one training batch");
        RequireInputType(model, Train, "training");
        RequireInputType(model, Test, "test");
    }

    internal static void RequireInputType(nn.Module model, IReadOnlyList<Batch> batches, string split)
    {
        var dtype = model.parameters().Select(p => p.dtype).FirstOrDefault(ScalarType.Float32);
        foreach (var batch in batches)
            if (is_floating_point(batch.Inputs) && batch.Inputs.dtype != dtype)
                throw new LlaException($"the {split} batches hold {batch.Inputs.dtype} inputs but the model's parameters are {dtype}: convert the data or the model");
    }
}

/// <summary>Options of a path evaluation.</summary>
public sealed record PathOptions
{
    /// <summary>Number of equally spaced points t_i = i/(Points − 1) from 0 to 1 (at least 2).</summary>
    public int Points { get; init; } = 61;
    public PathBatchNorm BatchNorm { get; init; } = PathBatchNorm.Recompute;
    /// <summary>The most samples per forward pass (<see cref="Objective.SplitInto"/>); null: <see cref="EvaluationMicroBatch"/>'s default (a GPT's, else whole batches).</summary>
    public int? MicroBatch { get; init; }

    public double[] Grid()
    {
        if (Points < 2) throw new LlaException($"a path needs at least 2 points (got {Points})");
        var t = new double[Points];
        for (int i = 0; i < Points; i++) t[i] = (double)i / (Points - 1);
        t[^1] = 1.0;
        return t;
    }
}
