using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Element-wise arithmetic and trigonometry (NumPy broadcasting, as torch's).</summary>
    private static Dictionary<string, Operator> ElementwiseOperators() => new()
    {
        ["Abs"] = n => One(n.In(0).abs()),
        ["Sign"] = n => One(n.In(0).sign()),
        ["Reciprocal"] = n => One(n.In(0).reciprocal()),
        ["Floor"] = n => One(n.In(0).floor()),
        ["Ceil"] = n => One(n.In(0).ceil()),
        // torch.round rounds halves to even, as ONNX's Round does.
        ["Round"] = n => One(n.In(0).round()),
        ["Min"] = n => Variadic(n, minimum),
        ["Max"] = n => Variadic(n, maximum),
        ["Sum"] = n => Variadic(n, (a, b) => a + b),
        ["Mean"] = n => One(Variadic(n, (a, b) => a + b)[0] / Present(n).Count),
        ["Mod"] = Mod,
        ["Sin"] = n => One(n.In(0).sin()),
        ["Cos"] = n => One(n.In(0).cos()),
        ["Tan"] = n => One(n.In(0).tan()),
        ["Asin"] = n => One(n.In(0).asin()),
        ["Acos"] = n => One(n.In(0).acos()),
        ["Atan"] = n => One(n.In(0).atan()),
        ["Sinh"] = n => One(n.In(0).sinh()),
        ["Cosh"] = n => One(n.In(0).cosh()),
        ["Asinh"] = n => One(n.In(0).asinh()),
        ["Acosh"] = n => One(n.In(0).acosh()),
        ["Atanh"] = n => One(n.In(0).atanh()),
        ["IsNaN"] = n => One(n.In(0).isnan()),
        ["IsInf"] = IsInf,
    };

    private static List<Tensor> Present(OnnxNode n)
    {
        var present = n.Inputs.Where(t => t is not null).Select(t => t!).ToList();
        return present.Count > 0 ? present : throw n.Error("has no inputs");
    }

    /// <summary>Min, Max, Sum and Mean of one or more inputs, broadcast together.</summary>
    private static Tensor[] Variadic(OnnxNode n, Func<Tensor, Tensor, Tensor> combine)
    {
        var inputs = Present(n);
        // A single input comes back as a new handle: outputs never alias a caller's handle.
        return One(inputs.Skip(1).Aggregate(inputs[0].alias(), combine));
    }

    /// <summary>Mod: with fmod=1 the remainder has the dividend's sign (C fmod), otherwise the divisor's (Python %).</summary>
    private static Tensor[] Mod(OnnxNode n)
    {
        Tensor a = n.In(0), b = n.In(1);
        return One(n.Int("fmod", 0) != 0 ? a.fmod(b) : a.remainder(b));
    }

    private static Tensor[] IsInf(OnnxNode n)
    {
        var x = n.In(0);
        bool negative = n.Int("detect_negative", 1) != 0, positive = n.Int("detect_positive", 1) != 0;
        if (negative && positive) return One(x.isinf());
        if (negative) return One(x.isneginf());
        if (positive) return One(x.isposinf());
        return One(zeros_like(x, dtype: ScalarType.Bool));
    }
}
