using Lla.Objectives;

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
        if (objective.Loss.Target is null && method == ((LossFunction)LossFunctions.NextTokenCrossEntropy).Method)
            throw new LlaException($"the {operatorName} does not handle the next-token loss (logits [batch, positions, vocabulary]) yet: use the Hessian");
        if (objective.Loss.Target is null)
        {
            if (method == ((LossFunction)LossFunctions.CrossEntropy).Method) return OutputLoss.CrossEntropy;
            if (method == ((LossFunction)LossFunctions.NegativeLogLikelihood).Method) return OutputLoss.NegativeLogLikelihood;
            if (method == ((LossFunction)LossFunctions.MeanSquaredError).Method) return OutputLoss.MeanSquaredError;
        }
        throw new LlaException($"the {operatorName} knows only the losses {LossFunctions.Names}; the objective's loss function '{method.Name}' is none of them");
    }
}
