using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Comparisons and Boolean logic (broadcasting); their outputs are Boolean and carry no gradient.</summary>
    private static Dictionary<string, Operator> LogicOperators() => new()
    {
        ["Greater"] = n => One(n.In(0).gt(n.In(1))),
        ["Less"] = n => One(n.In(0).lt(n.In(1))),
        ["GreaterOrEqual"] = n => One(n.In(0).ge(n.In(1))),
        ["LessOrEqual"] = n => One(n.In(0).le(n.In(1))),
        ["And"] = n => One(n.In(0).logical_and(n.In(1))),
        ["Or"] = n => One(n.In(0).logical_or(n.In(1))),
        ["Xor"] = n => One(n.In(0).logical_xor(n.In(1))),
        ["Not"] = n => One(n.In(0).logical_not()),
    };
}
