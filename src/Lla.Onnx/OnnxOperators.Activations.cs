using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Activation functions with ONNX's attribute names and defaults.</summary>
    private static Dictionary<string, Operator> ActivationOperators() => new()
    {
        ["PRelu"] = PRelu,
        ["Elu"] = n => One(nn.functional.elu(n.In(0), n.Float("alpha", 1f))),
        ["Selu"] = n => One(n.Float("gamma", 1.05070102214813232421875f) * nn.functional.elu(n.In(0), n.Float("alpha", 1.67326319217681884765625f))),
        // Celu: max(0, x) + min(0, α(exp(x/α) − 1)) = α·elu(x/α).
        ["Celu"] = n => One(n.Float("alpha", 1f) * nn.functional.elu(n.In(0) / n.Float("alpha", 1f), 1.0)),
        // torch's softplus is log(1 + exp(x)) computed stably (the identity above x = 20, within float rounding).
        ["Softplus"] = n => One(nn.functional.softplus(n.In(0))),
        ["Softsign"] = n => One(n.In(0) / (n.In(0).abs() + 1)),
        ["HardSigmoid"] = n => One(HardSigmoid(n.In(0), n.Float("alpha", 0.2f), n.Float("beta", 0.5f))),
        ["HardSwish"] = n => One(n.In(0) * HardSigmoid(n.In(0), 1.0 / 6, 0.5)),
        ["Mish"] = n => One(n.In(0) * nn.functional.softplus(n.In(0)).tanh()),
        ["ThresholdedRelu"] = n => One(n.In(0) * (n.In(0) > n.Float("alpha", 1f)).to(n.In(0).dtype)),
        ["Hardmax"] = Hardmax,
    };

    /// <summary>
    /// PRelu: x where x ≥ 0, slope·x below. The slope broadcasts to x (unidirectionally); before opset 7 a slope
    /// vector holds one value per channel (axis 1), as PyTorch's exports of that age write it.
    /// </summary>
    private static Tensor[] PRelu(OnnxNode n)
    {
        Tensor x = n.In(0), slope = n.In(1);
        if (n.Opset < 7 && slope.dim() == 1 && x.dim() > 2 && slope.shape[0] == x.shape[1]) slope = PerChannel(slope, x.dim());
        bool broadcasts = slope.dim() <= x.dim() && slope.shape.Reverse().Zip(x.shape.Reverse()).All(p => p.First == 1 || p.First == p.Second);
        if (!broadcasts) throw n.Error($"has a slope of shape [{string.Join(", ", slope.shape)}] that does not broadcast to its input's [{string.Join(", ", x.shape)}]");
        return One(where(x < 0, x * slope, x));
    }

    private static Tensor HardSigmoid(Tensor x, double alpha, double beta) => (alpha * x + beta).clamp(0.0, 1.0);

    /// <summary>
    /// Hardmax: 1 at the first maximum along <c>axis</c> (default −1), 0 elsewhere. Before opset 13 the input is
    /// read as a matrix, the axes before <c>axis</c> (default 1) its rows and the rest its columns.
    /// </summary>
    private static Tensor[] Hardmax(OnnxNode n)
    {
        var x = n.In(0);
        if (n.Opset < 13)
        {
            long split = Axis(n.Int("axis", 1), x.dim());
            long rows = x.shape[..(int)split].Aggregate(1L, (a, b) => a * b);
            return One(OneHotMaximum(x.reshape(rows, -1), 1).reshape(x.shape));
        }
        return One(OneHotMaximum(x, Axis(n.Int("axis", -1), x.dim())));
    }

    private static Tensor OneHotMaximum(Tensor x, long axis)
    {
        var index = x.argmax(axis, keepdim: true);
        return zeros_like(x).scatter(axis, index, ones_like(index, dtype: x.dtype));
    }
}
