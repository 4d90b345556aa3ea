using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>
    /// BatchNormalization, y = scale·(x − μ)/√(σ² + ε) + B over the channel axis 1. The mode is the
    /// holding BatchNorm module's (train()/eval(), as Lla's AnalysisMode sets it), not the node's
    /// training_mode attribute: in train mode μ, σ² are the batch's statistics and the running
    /// statistics are updated as torch's BatchNorm does, running ← (1 − m)·running + m·batch with
    /// m = 1 − ONNX momentum (the exporter writes ONNX momentum = 1 − torch momentum).
    /// </summary>
    private static Tensor[] BatchNormalization(OnnxNode n)
    {
        Tensor x = n.In(0), scale = n.In(1), bias = n.In(2), mean = n.In(3), variance = n.In(4);
        if (x.dim() < 2 || x.shape[1] != scale.numel())
            throw n.Error($"normalizes {scale.numel()} channels but gets an input of shape [{string.Join(", ", x.shape)}]");
        bool training = n.Layer?.training ?? false;
        double eps = n.Float("epsilon", 1e-5f);
        double momentum = 1.0 - n.Float("momentum", 0.9f);
        // Statistics are never differentiated; detached views share storage, so train mode still updates the buffers in place.
        var y = nn.functional.batch_norm(x, mean.detach(), variance.detach(), scale, bias, training, momentum, eps);
        if (n.OutputCount == 1) return One(y);
        // Training-mode exports also output the running statistics.
        return new[] { y, mean, variance };
    }

    /// <summary>
    /// LayerNormalization (opset 17): over the axes from <c>axis</c> to the last,
    /// y = (x − mean)/√(var + ε)·Scale + B with the population variance; Scale and B broadcast.
    /// </summary>
    private static Tensor[] LayerNormalization(OnnxNode n)
    {
        if (n.OutputCount > 1) throw n.Error("asks for its Mean or InvStdDev output, which Lla.NET does not support");
        Tensor x = n.In(0), scale = n.In(1);
        long axis = Axis(n.Int("axis", -1), x.dim());
        double eps = n.Float("epsilon", 1e-5f);
        long[] axes = Enumerable.Range((int)axis, (int)(x.dim() - axis)).Select(i => (long)i).ToArray();
        var centred = x - x.mean(axes, keepdim: true);
        var variance = centred.square().mean(axes, keepdim: true);
        var y = centred / (variance + eps).sqrt() * scale;
        if (n.Optional(2) is { } b) y = y + b;
        return One(y);
    }
}
