using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>A loss of model outputs against targets, averaged over the batch (a scalar tensor).</summary>
public delegate Tensor LossFunction(Tensor outputs, Tensor targets);

public static class LossFunctions
{
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    public static LossFunction ByName(string name) => name switch
    {
        "cross-entropy" => CrossEntropy,
        _ => throw new LlaException($"unknown loss '{name}' (known: cross-entropy)"),
    };
}
