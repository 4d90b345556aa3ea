using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>
/// The model's own predictions as labels: the argmax over the last dimension of its outputs (a class per sample for
/// [N, C], a token per position for a GPT's [N, T, V]), computed without autograd in micro-batches of at most
/// <c>microBatch</c> samples (<see cref="EvaluationMicroBatch"/>), so that a batch of windows never holds all its logits at once.
/// </summary>
public static class PredictedLabels
{
    /// <summary>The predicted labels of <paramref name="inputs"/>, detached from every dispose scope (the caller disposes them).</summary>
    public static Tensor Of(nn.Module<Tensor, Tensor> model, Tensor inputs, int? microBatch)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long n = inputs.shape[0], m = microBatch is int given && given < n ? given : n;
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += m)
            parts.Add(model.forward(inputs.narrow(0, start, Math.Min(m, n - start))).argmax(-1));
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).DetachFromDisposeScope();
    }

    /// <summary><paramref name="batches"/> with the model's predictions as targets (the inputs shared; dispose only the new targets).</summary>
    public static List<Batch> Relabel(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, int? microBatch) =>
        batches.Select(b => new Batch(b.Inputs, Of(model, b.Inputs, EvaluationMicroBatch.For(model, new[] { b }, microBatch)))).ToList();
}
