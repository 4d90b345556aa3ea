using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>The loss operators (opset 13): negative log-likelihood and softmax cross-entropy over class axis 1.</summary>
    private static Dictionary<string, Operator> LossOperators() => new()
    {
        ["NegativeLogLikelihoodLoss"] = n => One(NegativeLogLikelihood(n, n.In(0))),
        ["SoftmaxCrossEntropyLoss"] = SoftmaxCrossEntropy,
    };

    /// <summary>
    /// loss[n, d…] = −input[n, target[n, d…], d…]·weight[target[n, d…]] (weight 1 without the input), 0 where
    /// the target is ignore_index; reduction none keeps that tensor, sum adds it up, mean divides the sum by the
    /// summed weights of the targets not ignored.
    /// </summary>
    private static Tensor NegativeLogLikelihood(OnnxNode n, Tensor logProbabilities)
    {
        var target = n.In(1).to(ScalarType.Int64);
        if (logProbabilities.dim() < 2 || target.dim() != logProbabilities.dim() - 1)
            throw n.Error($"has a target of rank {target.dim()} for scores of rank {logProbabilities.dim()} (the target must have one axis less, the class axis 1)");
        var kept = n.Has("ignore_index") ? target.ne(n.Int("ignore_index", 0)) : ones_like(target, dtype: ScalarType.Bool);
        // Ignored positions read class 0 (any valid class) and then get weight 0.
        var safe = where(kept, target, zeros_like(target));
        long classes = logProbabilities.shape[1];
        if (safe.numel() > 0 && (safe.min().ToInt64() < 0 || safe.max().ToInt64() >= classes))
            throw n.Error($"has a target outside the {classes} classes (and not its ignore_index)");
        var picked = logProbabilities.gather(1, safe.unsqueeze(1)).squeeze(1);
        var weight = n.Optional(2) is { } w ? w.index_select(0, safe.flatten()).reshape(safe.shape) : ones_like(picked);
        weight = weight * kept.to(weight.dtype);
        var loss = -picked * weight;
        string reduction = n.String("reduction", "mean");
        return reduction switch
        {
            "none" => loss,
            "sum" => loss.sum(),
            "mean" => loss.sum() / weight.sum(),
            _ => throw n.Error($"has reduction \"{reduction}\"; ONNX's are none, sum and mean"),
        };
    }

    /// <summary>SoftmaxCrossEntropyLoss: the negative log-likelihood of log_softmax over axis 1; the second output is that log-probability.</summary>
    private static Tensor[] SoftmaxCrossEntropy(OnnxNode n)
    {
        var logProbabilities = n.In(0).log_softmax(1);
        var loss = NegativeLogLikelihood(n, logProbabilities);
        return n.OutputCount > 1 ? new[] { loss, logProbabilities } : One(loss);
    }
}
