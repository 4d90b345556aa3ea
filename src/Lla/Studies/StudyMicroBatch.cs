using Lla.Models.Gpt;
using Lla.Native;
using static TorchSharp.torch;

namespace Lla.Studies;

/// <summary>
/// How many windows of a GPT one forward pass or Hessian-vector product of a study holds at once: 1,024 windows of
/// 1,024 tokens over a 50,257-word vocabulary would need tens of GB of logits, so a study computes a GPT's
/// evaluations, spectra and predicted labels in micro-batches (<see cref="Lla.Objectives.Objective.SplitInto"/>), each as large as
/// fits in a quarter of <see cref="MemoryBudget.LimitBytes"/> by <see cref="GptMemory.ActivationBytes"/> (a power of
/// two, at least 1). The values are the whole batch's (to summation order). Image models: whole batches (null), as before.
/// </summary>
public static class StudyMicroBatch
{
    public const int Largest = 1 << 16;

    public static int? For(nn.Module model) => model is GptModel gpt ? Windows(gpt.Config, MemoryBudget.LimitBytes / 4) : null;

    /// <summary>The largest power of two of windows of <paramref name="config"/>'s context whose product's activations fit in <paramref name="budgetBytes"/> (at least 1).</summary>
    public static int Windows(GptConfig config, double budgetBytes)
    {
        int m = 1;
        while (m < Largest && GptMemory.ActivationBytes(config, 2L * m, config.Context, 4) <= budgetBytes) m *= 2;
        return m;
    }
}
