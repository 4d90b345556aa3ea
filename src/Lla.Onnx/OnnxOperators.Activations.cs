using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Activation functions with ONNX's attribute names and defaults.</summary>
    private static Dictionary<string, Operator> ActivationOperators() => new()
    {
        // PRelu: the slope broadcasts to the input (unidirectionally).
        ["PRelu"] = n => One(where(n.In(0) < 0, n.In(0) * n.In(1), n.In(0))),
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
