using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The N×K matrix of a classifier's outputs on the analysed batches, one row per sample, in float64: what the
/// label-free measures of the whole prediction matrix read (<see cref="NuclearNorm"/>, <see cref="MaNo"/>).
/// Eval mode, no autograd, the model's modes restored; the outputs are taken as logits.
/// </summary>
public static class PredictionMatrix
{
    /// <param name="what">The measure, as refusals name it.</param>
    /// <param name="microBatch">The most samples per forward pass; null: whole batches.</param>
    /// <returns>The logits [N, K] (float64; the caller owns them) and the number of forward passes.</returns>
    public static (Tensor Logits, long ForwardPasses) Logits(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, string what, int? microBatch = null)
    {
        if (batches.Count == 0) throw new LlaException($"no data for {what}: at least one batch is needed");
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        long passes = 0;
        foreach (var batch in batches)
            for (long start = 0; start < batch.Count; start += microBatch ?? batch.Count)
            {
                long length = Math.Min(microBatch ?? batch.Count, batch.Count - start);
                var z = model.call(batch.Inputs.narrow(0, start, length));
                passes++;
                if (z.dim() != 2) throw new LlaException($"{what} needs outputs [batch, classes], not [{string.Join(", ", z.shape)}]");
                rows.Add(z.to(ScalarType.Float64));
            }
        return (cat(rows, 0).MoveToOuterDisposeScope(), passes);
    }
}
