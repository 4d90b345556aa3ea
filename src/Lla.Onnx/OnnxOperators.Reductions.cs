using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Reductions over axes (attribute before opset 18, input from it) and ArgMax/ArgMin.</summary>
    private static Dictionary<string, Operator> ReductionOperators() => new()
    {
        ["ReduceMax"] = n => Reduce(n, (x, axes, keep) => x.amax(axes, keep)),
        ["ReduceMin"] = n => Reduce(n, (x, axes, keep) => x.amin(axes, keep)),
        ["ReduceL1"] = n => Reduce(n, (x, axes, keep) => x.abs().sum(axes, keep)),
        ["ReduceL2"] = n => Reduce(n, (x, axes, keep) => x.square().sum(axes, keep).sqrt()),
        ["ReduceLogSum"] = n => Reduce(n, (x, axes, keep) => x.sum(axes, keep).log()),
        ["ReduceLogSumExp"] = n => Reduce(n, LogSumExp),
        ["ReduceProd"] = n => Reduce(n, Product),
        ["ReduceSumSquare"] = n => Reduce(n, (x, axes, keep) => x.square().sum(axes, keep)),
        ["ArgMax"] = n => ArgExtreme(n, largest: true),
        ["ArgMin"] = n => ArgExtreme(n, largest: false),
    };

    /// <summary>log Σ exp x, shifted by the (constant) maximum so large values do not overflow.</summary>
    private static Tensor LogSumExp(Tensor x, long[] axes, bool keep)
    {
        var shift = x.amax(axes, keepdim: true).detach();
        shift = where(shift.isfinite(), shift, zeros_like(shift));
        var sum = (x - shift).exp().sum(axes, keep).log();
        if (keep) return sum + shift;
        foreach (long a in axes.OrderByDescending(a => a)) shift = shift.squeeze(a);
        return sum + shift;
    }

    /// <summary>The product over several axes, one at a time (torch's prod takes one axis).</summary>
    private static Tensor Product(Tensor x, long[] axes, bool keep)
    {
        var result = x;
        foreach (long a in axes) result = result.prod(a, keepdim: true);
        if (!keep) foreach (long a in axes.OrderByDescending(a => a)) result = result.squeeze(a);
        return result;
    }

    /// <summary>ArgMax/ArgMin along <c>axis</c> (int64); ties go to the first index, or the last with select_last_index=1.</summary>
    private static Tensor[] ArgExtreme(OnnxNode n, bool largest)
    {
        var x = n.In(0);
        long axis = Axis(n.Int("axis", 0), x.dim());
        bool keep = n.Int("keepdims", 1) != 0;
        bool last = n.Int("select_last_index", 0) != 0;
        var source = last ? x.flip(axis) : x;
        var index = largest ? source.argmax(axis, keep) : source.argmin(axis, keep);
        return One(last ? x.shape[axis] - 1 - index : index);
    }
}
