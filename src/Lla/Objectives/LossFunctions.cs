using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>A loss of model outputs against targets, averaged over the batch (a scalar tensor).</summary>
public delegate Tensor LossFunction(Tensor outputs, Tensor targets);

/// <summary>The losses a model source names (--loss): cross-entropy, nll, mse, next-token (a GPT's, chosen for GPT models).</summary>
public enum LossKind { CrossEntropy, Nll, Mse, NextToken }

public static class LossFunctions
{
    public const string Names = "cross-entropy, nll, mse, next-token";

    /// <summary>A target position holding this id is padding: not predicted, not counted (nanoGPT's choice).</summary>
    public const long IgnoreIndex = -1;

    /// <summary>
    /// Softmax cross-entropy of logits against integer labels. Next-token logits [N, T, V] against token targets [N, T] (a language
    /// model given as a file, e.g. onnx:, on token data) are refused in one line naming next-token: libtorch would read them as
    /// V-position maps of T classes and fail deep inside an analysis, or, were T equal to V, compute another loss.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels)
    {
        if (logits.dim() == 3 && labels.dim() == 2 && logits.shape[0] == labels.shape[0] && logits.shape[1] == labels.shape[1])
            throw new LlaException($"{{loss}} cross-entropy got logits of shape [{string.Join(", ", logits.shape)}] for targets [{string.Join(", ", labels.shape)}]: a language model's outputs; give {{loss}} next-token");
        return nn.functional.cross_entropy(logits, labels);
    }

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

    /// <summary>
    /// Next-token cross-entropy: logits [N, T, V] against target ids [N, T], averaged over every predicted
    /// position of the batch (targets equal to <see cref="IgnoreIndex"/> are padding and left out).
    /// </summary>
    public static Tensor NextTokenCrossEntropy(Tensor logits, Tensor targets)
    {
        RequireSequenceShapes(logits, targets);
        using var flatLogits = logits.reshape(-1, logits.shape[2]);
        using var flatTargets = targets.reshape(-1);
        return nn.functional.cross_entropy(flatLogits, flatTargets, ignore_index: IgnoreIndex);
    }

    /// <summary>Perplexity of a mean next-token cross-entropy (in nats): exp(loss).</summary>
    public static double Perplexity(double loss) => Math.Exp(loss);

    /// <summary>
    /// Correct predictions (argmax of the outputs equal to the integer target) and how many were counted:
    /// outputs [N, C] against labels [N], or next-token logits [N, T, V] against targets [N, T] (padding not counted).
    /// Null when the outputs are not predictions of these targets (float targets, other shapes).
    /// </summary>
    public static (double Correct, long Counted)? Correct(Tensor outputs, Tensor targets)
    {
        if (targets.dtype != ScalarType.Int64) return null;
        using var scope = NewDisposeScope();
        if (outputs.dim() == 2 && targets.dim() == 1 && outputs.shape[0] == targets.shape[0])
            return (outputs.argmax(1).eq(targets).sum().ToDouble(), targets.shape[0]);
        if (outputs.dim() == 3 && targets.dim() == 2 && outputs.shape[0] == targets.shape[0] && outputs.shape[1] == targets.shape[1])
        {
            var counted = targets.ne(IgnoreIndex);
            return (outputs.argmax(2).eq(targets).logical_and(counted).sum().ToDouble(), counted.sum().ToInt64());
        }
        return null;
    }

    private static void RequireSequenceShapes(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 3 || targets.dim() != 2 || logits.shape[0] != targets.shape[0] || logits.shape[1] != targets.shape[1])
            throw new LlaException($"the next-token loss needs logits [batch, positions, vocabulary] and target ids [batch, positions]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}]");
        if (targets.dtype != ScalarType.Int64)
            throw new LlaException($"the next-token loss needs integer target ids, got {targets.dtype}");
    }

    public static LossFunction Function(this LossKind kind) => kind switch
    {
        LossKind.CrossEntropy => CrossEntropy,
        LossKind.Nll => NegativeLogLikelihood,
        LossKind.Mse => MeanSquaredError,
        LossKind.NextToken => NextTokenCrossEntropy,
    };

    /// <summary>The loss named <paramref name="name"/> (cross-entropy, nll, mse), or "unknown loss 'x' (known: …)".</summary>
    public static LossKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<LossKind>()) if (kind.Name() == name) return kind;
        throw new LlaException($"unknown loss '{name}' (known: {Names})");
    }

    public static LossFunction ByName(string name) => Parse(name).Function();

    /// <summary>Whether the loss takes integer class labels (else float targets).</summary>
    public static bool TakesLabels(this LossKind kind) => kind is LossKind.CrossEntropy or LossKind.Nll or LossKind.NextToken;

    public static bool TakesLabels(string name) => Parse(name).TakesLabels();
}
