using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>A loss of model outputs against targets, averaged over the batch (a scalar tensor).</summary>
public delegate Tensor LossFunction(Tensor outputs, Tensor targets);

/// <summary>The losses a model source names (--loss): cross-entropy, nll, mse.</summary>
public enum LossKind { CrossEntropy, Nll, Mse }

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

    public static LossFunction Function(this LossKind kind) => kind switch
    {
        LossKind.CrossEntropy => CrossEntropy,
        LossKind.Nll => NegativeLogLikelihood,
        LossKind.Mse => MeanSquaredError,
    };

    /// <summary>The loss named <paramref name="name"/> (cross-entropy, nll, mse), or "unknown loss 'x' (known: …)".</summary>
    public static LossKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<LossKind>()) if (kind.Name() == name) return kind;
        throw new LlaException($"unknown loss '{name}' (known: {Names})");
    }

    public static LossFunction ByName(string name) => Parse(name).Function();

    /// <summary>Whether the loss takes integer class labels (else float targets).</summary>
    public static bool TakesLabels(this LossKind kind) => kind is LossKind.CrossEntropy or LossKind.Nll;

    public static bool TakesLabels(string name) => Parse(name).TakesLabels();
}
