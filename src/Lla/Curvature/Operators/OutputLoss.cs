using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>The losses whose second derivative with respect to the model's outputs the curvature operators know in closed form.</summary>
public enum OutputLoss
{
    /// <summary>Softmax cross-entropy on logits z: H_ℓ = diag(p) − ppᵀ with p = softmax(z).</summary>
    CrossEntropy,
    /// <summary>Negative log-likelihood on log-probabilities z: the Fisher choice H_ℓ = diag(p) − ppᵀ with p = exp(z).</summary>
    NegativeLogLikelihood,
    /// <summary>Mean squared error averaged over the C outputs of a sample: H_ℓ = (2/C)·I.</summary>
    MeanSquaredError,
    /// <summary>
    /// Next-token cross-entropy on logits [B, T, V], the mean over the n predicted positions of the batch
    /// (targets <see cref="LossFunctions.IgnoreIndex"/> left out): per predicted position H_ℓ = (diag(p) − ppᵀ)/n
    /// with p = softmax of that position's logits, 0 at padding. Block-diagonal over positions.
    /// </summary>
    NextTokenCrossEntropy,
}

public static class OutputLosses
{
    /// <summary>
    /// Which of the library's losses <paramref name="objective"/> uses. The objective must have been
    /// built from a model and one of <see cref="LossFunctions"/>' methods (as the command line does);
    /// a custom objective or any other loss function is refused with a <see cref="LlaException"/>
    /// naming <paramref name="operatorName"/>, since its second derivative is unknown.
    /// </summary>
    public static OutputLoss Identify(Objective objective, string operatorName)
    {
        if (objective.Forward is null || objective.Loss is null)
            throw new LlaException($"the {operatorName} needs an objective built from a model and a loss function ({LossFunctions.Names}); a custom objective has no separate model outputs");
        var method = objective.Loss.Method;
        if (IsNextToken(objective.Loss)) return OutputLoss.NextTokenCrossEntropy;
        if (objective.Loss.Target is null)
        {
            if (method == ((LossFunction)LossFunctions.CrossEntropy).Method) return OutputLoss.CrossEntropy;
            if (method == ((LossFunction)LossFunctions.NegativeLogLikelihood).Method) return OutputLoss.NegativeLogLikelihood;
            if (method == ((LossFunction)LossFunctions.MeanSquaredError).Method) return OutputLoss.MeanSquaredError;
        }
        throw new LlaException($"the {operatorName} knows only the losses {LossFunctions.Names}; the objective's loss function '{method.Name}' is none of them");
    }

    /// <summary>Whether <paramref name="loss"/> is the library's next-token cross-entropy (<see cref="LossFunctions.NextTokenCrossEntropy"/>).</summary>
    public static bool IsNextToken(LossFunction loss) =>
        loss.Target is null && loss.Method == ((LossFunction)LossFunctions.NextTokenCrossEntropy).Method;

    /// <summary>
    /// The predicted positions of next-token targets [B, T] as a [B, T, 1] mask of 0s and 1s in
    /// <paramref name="dtype"/>, and their count n (padding, <see cref="LossFunctions.IgnoreIndex"/>, is 0 and not counted).
    /// </summary>
    internal static (Tensor Mask, long Count) PredictedPositions(Tensor targets, ScalarType dtype)
    {
        using var counted = targets.ne(LossFunctions.IgnoreIndex);
        return (counted.unsqueeze(-1).to(dtype), counted.sum().ToInt64());
    }
}
