using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>A loss of model outputs against targets, averaged over the batch (a scalar tensor).</summary>
public delegate Tensor LossFunction(Tensor outputs, Tensor targets);

public static class LossFunctions
{
    public const string Names = "cross-entropy, nll, mse";

    /// <summary>Softmax cross-entropy of logits against integer labels.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    /// <summary>Negative log-likelihood of log-probabilities (a model ending in log_softmax) against integer labels.</summary>
    public static Tensor NegativeLogLikelihood(Tensor logProbabilities, Tensor labels) => nn.functional.nll_loss(logProbabilities, labels);

    /// <summary>Mean squared error against float targets; outputs [N, 1] meet targets [N] by dropping the unit dimension.</summary>
    public static Tensor MeanSquaredError(Tensor outputs, Tensor targets)
    {
        using var converted = targets.to(outputs.dtype);
        if (outputs.dim() == targets.dim() + 1 && outputs.shape[^1] == 1)
        {
            using var squeezed = outputs.squeeze(-1);
            return nn.functional.mse_loss(squeezed, converted);
        }
        return nn.functional.mse_loss(outputs, converted);
    }

    public static LossFunction ByName(string name) => name switch
    {
        "cross-entropy" => CrossEntropy,
        "nll" => NegativeLogLikelihood,
        "mse" => MeanSquaredError,
        _ => throw new LlaException($"unknown loss '{name}' (known: {Names})"),
    };

    /// <summary>Whether the loss takes integer class labels (else float targets).</summary>
    public static bool TakesLabels(string name) => name is "cross-entropy" or "nll";
}
