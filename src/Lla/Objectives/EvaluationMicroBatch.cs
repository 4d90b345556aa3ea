using Lla.Data;
using Lla.Models.Gpt;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>
/// The micro-batch an evaluation (loss, accuracy, perplexity, and the products of an analysis on the same
/// objective) runs in (<see cref="Objective.SplitInto"/>): the one given (`--micro-batch`), else, for a GPT, the
/// largest number of windows whose activations stay within <see cref="GptBudgetBytes"/> by the Hessian memory
/// plan's estimate (<see cref="GptMemory.ActivationBytes"/>: one Hessian-vector product's activations, about three
/// times a forward pass's, so an analysis on the same objective stays bounded too), at least 1 and at most the
/// largest batch; else (other models) whole batches. Splitting changes no value beyond float rounding.
/// </summary>
public static class EvaluationMicroBatch
{
    /// <summary>What one micro-batch of a GPT may take for its activations: 1 GiB (gpt2-small, 128 tokens: 1 window; gpt-nano: tens).</summary>
    public const double GptBudgetBytes = 1L << 30;

    /// <summary>The micro-batch for <paramref name="model"/> on <paramref name="batches"/>: <paramref name="given"/>, the GPT rule, or null (whole batches).</summary>
    public static int? For(nn.Module model, IReadOnlyList<Batch> batches, int? given)
    {
        if (given is not null || model is not GptModel gpt || batches.Count == 0) return given;
        long positions = batches.Max(b => b.Inputs.dim() > 1 ? b.Inputs.shape[1] : 1);
        long largest = batches.Max(b => b.Count);
        return ForGpt(gpt.Config, largest, positions, BytesPerValue(gpt));
    }

    /// <summary>The GPT rule over whole windows of the model's context, before any batch is known (a study's parts); null for other models.</summary>
    public static int? ForModel(nn.Module model) =>
        model is GptModel gpt ? ForGpt(gpt.Config, int.MaxValue, gpt.Config.Context, BytesPerValue(gpt)) : null;

    /// <summary>Bytes of one of the model's values (4 in float32, 8 in float64).</summary>
    private static double BytesPerValue(GptModel gpt) => gpt.parameters().Select(p => p.element_size()).FirstOrDefault(4);

    /// <summary>The GPT rule: the largest m ≤ <paramref name="largestBatch"/> (at least 1) whose activations fit <see cref="GptBudgetBytes"/>.</summary>
    public static int ForGpt(GptConfig config, long largestBatch, long positions, double bytesPerValue)
    {
        double perWindow = GptMemory.ActivationBytes(config, 1, positions, bytesPerValue);
        long fit = (long)Math.Floor(GptBudgetBytes / perWindow);
        return (int)Math.Clamp(fit, 1, Math.Max(1, Math.Min(largestBatch, int.MaxValue)));
    }

    /// <summary><paramref name="objective"/> split as <see cref="For"/> decides for its module; the objective itself, for chaining.</summary>
    public static Objective Apply(Objective objective, int? given)
    {
        objective.SplitInto(For(objective.Module, objective.Batches, given));
        return objective;
    }
}
