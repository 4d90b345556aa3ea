using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Operators that build or rearrange whole arrays: ranges, tiling, triangles, running sums, sizes and casts.</summary>
    private static Dictionary<string, Operator> ArrayOperators() => new()
    {
        ["Range"] = Range,
        ["Tile"] = n => One(n.In(0).repeat(OnnxTensors.Longs(n.In(1)))),
        ["Trilu"] = Trilu,
        ["CumSum"] = CumSum,
        ["Size"] = n => One(tensor(n.In(0).numel())),
        // Floating targets follow the model's working precision, as Cast's do, rounded as a half target (see Cast).
        ["CastLike"] = n =>
        {
            var cast = n.In(0).to(OnnxTensors.IsFloating(n.In(1).dtype) ? n.WorkingFloat : n.In(1).dtype);
            return One(n.LikeHalf is { } half && OnnxTensors.IsFloating(cast.dtype) ? OnnxTensors.RoundedAs(cast, half) : cast);
        },
    };

    /// <summary>Range: start + i·delta for i = 0 … max(⌈(limit − start)/delta⌉, 0) − 1, of the start's type.</summary>
    private static Tensor[] Range(OnnxNode n)
    {
        Tensor start = n.In(0), limit = n.In(1), delta = n.In(2);
        double step = delta.ToDouble();
        if (step == 0) throw n.Error("has delta 0");
        long count = Math.Max((long)Math.Ceiling((limit.ToDouble() - start.ToDouble()) / step), 0);
        return One(arange(count, dtype: start.dtype, device: start.device) * delta.reshape(Array.Empty<long>()) + start.reshape(Array.Empty<long>()));
    }

    /// <summary>Trilu: the upper (upper=1, the default) or lower triangle of the last two axes, from diagonal k (input 2, default 0).</summary>
    private static Tensor[] Trilu(OnnxNode n)
    {
        var x = n.In(0);
        long k = n.Optional(1) is { } d ? OnnxTensors.Longs(d)[0] : 0;
        return One(n.Int("upper", 1) != 0 ? x.triu(k) : x.tril(k));
    }

    /// <summary>CumSum along the axis input; exclusive leaves each element out of its own sum, reverse sums from the end.</summary>
    private static Tensor[] CumSum(OnnxNode n)
    {
        var x = n.In(0);
        long axis = Axis(OnnxTensors.Longs(n.In(1))[0], x.dim());
        bool reverse = n.Int("reverse", 0) != 0;
        var source = reverse ? x.flip(axis) : x;
        var sum = source.cumsum(axis);
        if (n.Int("exclusive", 0) != 0 && x.shape[axis] > 0)
        {
            var first = zeros_like(source.narrow(axis, 0, 1));
            sum = cat(new[] { first, sum.narrow(axis, 0, x.shape[axis] - 1) }, axis);
        }
        return One(reverse ? sum.flip(axis) : sum);
    }
}
