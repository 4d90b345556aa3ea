using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>The normalization operators besides BatchNormalization and LayerNormalization (which the main table lists).</summary>
    private static Dictionary<string, Operator> NormalizationOperators() => new()
    {
        ["InstanceNormalization"] = InstanceNormalization,
        ["LpNormalization"] = LpNormalization,
        ["LRN"] = LocalResponseNormalization,
        ["MeanVarianceNormalization"] = MeanVarianceNormalization,
    };

    /// <summary>The axes of <paramref name="x"/> from <paramref name="first"/> to the last.</summary>
    private static long[] AxesFrom(Tensor x, long first) => Enumerable.Range((int)first, (int)(x.dim() - first)).Select(i => (long)i).ToArray();

    /// <summary>A per-channel tensor shaped to broadcast over axis 1 of a tensor of rank <paramref name="rank"/>.</summary>
    private static Tensor PerChannel(Tensor t, long rank) => t.reshape(new[] { -1L }.Concat(Enumerable.Repeat(1L, (int)rank - 2)).ToArray());

    /// <summary>
    /// BatchNormalization, y = scale·(x − μ)/√(σ² + ε) + B over the channel axis 1 (or, with the opset 6–8
    /// attribute spatial=0, per activation: the inputs then have x's shape without its batch axis).
    /// In inference μ, σ² are the running statistics; in training the batch's (σ² the population variance), and the
    /// optional outputs are ONNX's running statistics, input·momentum + batch·(1 − momentum).
    /// The mode is the holding BatchNorm module's (train()/eval(), as Lla's AnalysisMode sets it) where the model's
    /// statistics live in one; there a training forward also updates them in place as torch's BatchNorm does (its
    /// variance unbiased), so a PyTorch twin keeps the same statistics. Without a module the node's attributes decide:
    /// training_mode (opset 14+), is_test=0 (up to opset 6), or training outputs asked for (opsets 7–13).
    /// </summary>
    private static Tensor[] BatchNormalization(OnnxNode n)
    {
        Tensor x = n.In(0), scale = n.In(1), bias = n.In(2), mean = n.In(3), variance = n.In(4);
        bool spatial = n.Int("spatial", 1) != 0;
        long expected = spatial ? (x.dim() >= 2 ? x.shape[1] : -1) : x.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (x.dim() < 2 || expected != scale.numel())
            throw n.Error($"normalizes {scale.numel()} values per statistic but gets an input of shape [{string.Join(", ", x.shape)}]");
        bool training = n.Layer?.training ?? (n.Has("training_mode") ? n.Int("training_mode", 0) != 0
            : n.Has("is_test") ? n.Int("is_test", 0) == 0 : n.OutputCount > 1);
        double eps = n.Float("epsilon", 1e-5f);
        double momentum = n.Float("momentum", 0.9f);
        long[] axes = spatial ? new long[] { 0 }.Concat(AxesFrom(x, 2)).ToArray() : new long[] { 0 };
        Tensor[] Outputs(Tensor y)
        {
            if (n.OutputCount == 1) return One(y);
            if (!training) return new[] { y, mean, variance };
            // ONNX's running statistics (population variance) and, for opsets 9–13, the batch statistics themselves.
            using var _ = no_grad();
            Tensor savedMean = x.mean(axes).reshape(mean.shape), savedVariance = x.var(axes, unbiased: false).reshape(variance.shape);
            return new[] { y, mean * momentum + savedMean * (1 - momentum), variance * momentum + savedVariance * (1 - momentum), savedMean, savedVariance };
        }
        if (spatial)
        {
            // Torch's fused batch norm. In training it updates the statistics it is given in place (variance unbiased, as
            // PyTorch): a holding module's own, so a PyTorch twin keeps the same; copies of statistics computed in the graph.
            var outputs = Outputs(x);
            Tensor runningMean = n.Layer is null ? mean.detach().clone() : mean.detach(), runningVariance = n.Layer is null ? variance.detach().clone() : variance.detach();
            outputs[0] = nn.functional.batch_norm(x, runningMean, runningVariance, scale, bias, training, 1 - momentum, eps);
            return outputs;
        }
        // spatial=0 (opsets 6–8): statistics per activation, shaped as x without its batch axis.
        Tensor Shaped(Tensor t) => t.reshape(x.shape.Skip(1).ToArray()).unsqueeze(0);
        var centred = x - (training ? x.mean(axes, keepdim: true) : Shaped(mean));
        var spread = training ? centred.square().mean(axes, keepdim: true) : Shaped(variance);
        var result = Outputs(x);
        result[0] = centred / (spread + eps).sqrt() * Shaped(scale) + Shaped(bias);
        return result;
    }

    /// <summary>
    /// LayerNormalization (opset 17): over the axes from <c>axis</c> to the last,
    /// y = (x − mean)/√(var + ε)·Scale + B with the population variance; Scale and B broadcast. The optional
    /// outputs Mean and InvStdDev = 1/√(var + ε) keep the reduced axes with size 1.
    /// </summary>
    private static Tensor[] LayerNormalization(OnnxNode n)
    {
        Tensor x = n.In(0), scale = n.In(1);
        long axis = Axis(n.Int("axis", -1), x.dim());
        double eps = n.Float("epsilon", 1e-5f);
        long[] axes = AxesFrom(x, axis);
        var mean = x.mean(axes, keepdim: true);
        var centred = x - mean;
        var inverseDeviation = (centred.square().mean(axes, keepdim: true) + eps).rsqrt();
        var y = centred * inverseDeviation * scale;
        if (n.Optional(2) is { } b) y = y + b;
        return n.OutputCount == 1 ? One(y) : new[] { y, mean, inverseDeviation };
    }

    /// <summary>InstanceNormalization: each (sample, channel) normalized over its spatial axes, then scale·y + B per channel.</summary>
    private static Tensor[] InstanceNormalization(OnnxNode n)
    {
        Tensor x = n.In(0), scale = n.In(1), bias = n.In(2);
        if (x.dim() < 3 || x.shape[1] != scale.numel())
            throw n.Error($"normalizes {scale.numel()} channels but gets an input of shape [{string.Join(", ", x.shape)}]");
        long[] axes = AxesFrom(x, 2);
        var centred = x - x.mean(axes, keepdim: true);
        var y = centred / (centred.square().mean(axes, keepdim: true) + n.Float("epsilon", 1e-5f)).sqrt();
        return One(y * PerChannel(scale, x.dim()) + PerChannel(bias, x.dim()));
    }

    /// <summary>LpNormalization: x divided by its L1 or L2 norm (p = 1 or 2, default 2) along <c>axis</c> (default −1).</summary>
    private static Tensor[] LpNormalization(OnnxNode n)
    {
        var x = n.In(0);
        long axis = Axis(n.Int("axis", -1), x.dim());
        long p = n.Int("p", 2);
        var norm = p switch
        {
            1 => x.abs().sum(axis, keepdim: true),
            2 => x.square().sum(axis, keepdim: true).sqrt(),
            _ => throw n.Error($"has p = {p}; ONNX's LpNormalization takes 1 or 2"),
        };
        return One(x / norm);
    }

    /// <summary>
    /// LRN across channels: y = x / (bias + α/size · Σ x²)^β, the sum over the channels c − ⌊(size − 1)/2⌋ …
    /// c + ⌈(size − 1)/2⌉ that exist.
    /// </summary>
    private static Tensor[] LocalResponseNormalization(OnnxNode n)
    {
        var x = n.In(0);
        long size = n.Int("size", 0);
        if (size < 1) throw n.Error("needs its size attribute (a positive odd number)");
        double alpha = n.Float("alpha", 1e-4f), beta = n.Float("beta", 0.75f), bias = n.Float("bias", 1f);
        long before = (size - 1) / 2, after = size - 1 - before, channels = x.shape[1];
        var square = x.square();
        var padShape = x.shape.ToArray();
        padShape[1] = before;
        var padAfter = x.shape.ToArray();
        padAfter[1] = after;
        var padded = cat(new[] { zeros(padShape, dtype: x.dtype, device: x.device), square, zeros(padAfter, dtype: x.dtype, device: x.device) }, 1);
        var sum = padded.narrow(1, 0, channels);
        for (long i = 1; i < size; i++) sum = sum + padded.narrow(1, i, channels);
        return One(x / (bias + alpha / size * sum).pow(beta));
    }

    /// <summary>MeanVarianceNormalization: (x − E[x]) / (√(E[(x − E[x])²]) + 1e-9) over <c>axes</c> (default 0, 2, 3), as ONNX's function body.</summary>
    private static Tensor[] MeanVarianceNormalization(OnnxNode n)
    {
        var x = n.In(0);
        long[] axes = (n.Ints("axes") ?? new long[] { 0, 2, 3 }).Select(a => Axis(a, x.dim())).ToArray();
        var centred = x - x.mean(axes, keepdim: true);
        return One(centred / (centred.square().mean(axes, keepdim: true).sqrt() + 1e-9));
    }
}
