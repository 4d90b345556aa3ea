using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    private static Tensor[] Flatten(OnnxNode n)
    {
        var x = n.In(0);
        long axis = Axis(n.Int("axis", 1), x.dim());
        long outer = x.shape[..(int)axis].Aggregate(1L, (a, b) => a * b);
        long inner = x.shape[(int)axis..].Aggregate(1L, (a, b) => a * b);
        return One(x.reshape(outer, inner));
    }

    /// <summary>Reshape: 0 copies the input's size at that position (unless allowzero), −1 is inferred.</summary>
    private static Tensor[] Reshape(OnnxNode n)
    {
        var x = n.In(0);
        long[] shape = OnnxTensors.Longs(n.In(1));
        bool allowZero = n.Int("allowzero", 0) != 0;
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] == 0 && !allowZero)
            {
                if (i >= x.dim()) throw n.Error($"copies axis {i} of an input of rank {x.dim()}");
                shape[i] = x.shape[i];
            }
        long known = shape.Where(s => s != -1).Aggregate(1L, (a, b) => a * b);
        int unknown = shape.Count(s => s == -1);
        if (unknown > 1 || (unknown == 0 && known != x.numel()) || (unknown == 1 && (known == 0 || x.numel() % known != 0)))
            throw n.Error($"cannot reshape [{string.Join(", ", x.shape)}] to [{string.Join(", ", shape)}]");
        return One(x.reshape(shape));
    }

    private static Tensor[] Transpose(OnnxNode n)
    {
        var x = n.In(0);
        long[] perm = n.Ints("perm") ?? Enumerable.Range(0, (int)x.dim()).Reverse().Select(i => (long)i).ToArray();
        return One(x.permute(perm));
    }

    private static Tensor[] Concat(OnnxNode n)
    {
        var parts = n.Inputs.Where(t => t is not null).Select(t => t!).ToList();
        if (parts.Count == 0) throw n.Error("has no inputs");
        return One(cat(parts, Axis(n.Int("axis", 0), parts[0].dim())));
    }

    private static Tensor[] Squeeze(OnnxNode n)
    {
        var x = n.In(0);
        long[]? axes = n.AxesFrom("axes", 1);
        if (axes is null) return One(x.squeeze());
        foreach (long a in axes.Select(a => Axis(a, x.dim())).OrderByDescending(a => a))
        {
            if (x.shape[a] != 1) throw n.Error($"squeezes axis {a} of size {x.shape[a]}");
            x = x.squeeze(a);
        }
        return One(x);
    }

    private static Tensor[] Unsqueeze(OnnxNode n)
    {
        var x = n.In(0);
        long[] axes = n.AxesFrom("axes", 1) ?? throw n.Error("has no axes");
        long rank = x.dim() + axes.Length;
        foreach (long a in axes.Select(a => Axis(a, rank)).OrderBy(a => a)) x = x.unsqueeze(a);
        return One(x);
    }

    /// <summary>Pad (opset 13): pads [b1, …, bn, e1, …, en] over all axes; constant, reflect or edge.</summary>
    private static Tensor[] Pad(OnnxNode n)
    {
        var x = n.In(0);
        long[] pads = OnnxTensors.Longs(n.In(1));
        if (pads.Length != 2 * x.dim()) throw n.Error($"has {pads.Length} pads for an input of rank {x.dim()}");
        var torchPads = TorchPad(pads).ToList();
        // torch pads the last axes: drop the trailing (leading-axis) zero pairs.
        while (torchPads.Count > 2 && torchPads[^1] == 0 && torchPads[^2] == 0) torchPads.RemoveRange(torchPads.Count - 2, 2);
        string mode = n.String("mode", "constant");
        double value = n.Optional(2) is { } c ? c.ToDouble() : 0.0;
        // libtorch's own reflect and replicate padding: 1–3 trailing axes of an input with one or two more, no cropping.
        bool Native(List<long> p) => p.All(v => v >= 0) && p.Count / 2 <= 3 && x.dim() - p.Count / 2 is 1 or 2
            && (n.String("mode", "constant") != "reflect" || Enumerable.Range(0, p.Count / 2).All(i => p[2 * i] < x.shape[^(i + 1)] && p[2 * i + 1] < x.shape[^(i + 1)]));
        return One(mode switch
        {
            "constant" => nn.functional.pad(x, torchPads.ToArray(), PaddingModes.Constant, value),
            "reflect" => Native(torchPads) ? nn.functional.pad(x, torchPads.ToArray(), PaddingModes.Reflect) : PadEachAxis(n, x, pads, PaddingModes.Reflect),
            "edge" => Native(torchPads) ? nn.functional.pad(x, torchPads.ToArray(), PaddingModes.Replicate) : PadEachAxis(n, x, pads, PaddingModes.Replicate),
            _ => throw n.Error($"has mode={mode}, which Lla.NET does not support"),
        });
    }

    /// <summary>
    /// Reflect and edge padding, one axis at a time (both are separable: a padded corner is the reflection, or the copy,
    /// along each axis in turn), each as libtorch's batched 1-D padding of a [1, rest, axis] view, so any rank and any
    /// number of padded axes run (libtorch's own takes 1–3 trailing axes of a 2-D to 5-D input). Negative pads crop first.
    /// </summary>
    private static Tensor PadEachAxis(OnnxNode n, Tensor x, long[] pads, PaddingModes mode)
    {
        int rank = (int)x.dim();
        var y = x;
        for (int axis = 0; axis < rank; axis++)
        {
            long before = pads[axis], after = pads[rank + axis];
            if (before < 0 || after < 0)
            {
                long start = Math.Max(0, -before), length = y.shape[axis] - start - Math.Max(0, -after);
                if (length <= 0) throw n.Error($"crops axis {axis} of size {y.shape[axis]} away (pads {before} and {after})");
                y = y.narrow(axis, start, length);
                before = Math.Max(0, before);
                after = Math.Max(0, after);
            }
            if (before == 0 && after == 0) continue;
            long size = y.shape[axis];
            if (mode == PaddingModes.Reflect && (before >= size || after >= size))
                throw n.Error($"reflects axis {axis} of size {size} by {Math.Max(before, after)}, which needs a larger axis");
            var moved = y.movedim(new long[] { axis }, new long[] { rank - 1 });
            var shape = moved.shape;
            var padded = nn.functional.pad(moved.reshape(1, -1, size), new[] { before, after }, mode);
            y = padded.reshape(shape[..^1].Append(size + before + after).ToArray()).movedim(new long[] { rank - 1 }, new long[] { axis });
        }
        return y;
    }

    /// <summary>Expand: broadcast the input and the given shape against each other (NumPy rules).</summary>
    private static Tensor[] Expand(OnnxNode n)
    {
        var x = n.In(0);
        long[] shape = OnnxTensors.Longs(n.In(1));
        int rank = Math.Max(shape.Length, (int)x.dim());
        var target = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long a = i < rank - x.dim() ? 1 : x.shape[i - (rank - (int)x.dim())];
            long b = i < rank - shape.Length ? 1 : shape[i - (rank - shape.Length)];
            if (a != b && a != 1 && b != 1) throw n.Error($"cannot broadcast [{string.Join(", ", x.shape)}] to [{string.Join(", ", shape)}]");
            target[i] = a == 1 ? b : a;
        }
        return One(x.expand(target));
    }

    /// <summary>Shape: the input's actual sizes at run time (so a dynamic batch axis just works).</summary>
    private static Tensor[] Shape(OnnxNode n)
    {
        var x = n.In(0);
        long rank = x.dim();
        long start = Math.Clamp(Axis(n.Int("start", 0), rank), 0, rank);
        long end = Math.Clamp(Axis(n.Int("end", rank), rank), 0, rank);
        return One(tensor(x.shape[(int)start..(int)Math.Max(start, end)], dtype: ScalarType.Int64));
    }

    /// <summary>Gather: out[i…, j…, k…] = data[i…, indices[j…], k…] along <c>axis</c>; negative indices count from the end.</summary>
    private static Tensor[] Gather(OnnxNode n)
    {
        Tensor data = n.In(0), indices = n.In(1).to(ScalarType.Int64);
        long axis = Axis(n.Int("axis", 0), data.dim());
        long size = data.shape[axis];
        indices = where(indices < 0, indices + size, indices);
        long min = indices.numel() == 0 ? 0 : indices.min().ToInt64(), max = indices.numel() == 0 ? 0 : indices.max().ToInt64();
        if (min < 0 || max >= Math.Max(size, 1)) throw n.Error($"gathers index {(min < 0 ? min : max)} of an axis of size {size}");
        var picked = data.index_select(axis, indices.flatten());
        var shape = data.shape[..(int)axis].Concat(indices.shape).Concat(data.shape[((int)axis + 1)..]).ToArray();
        return One(picked.reshape(shape));
    }

    /// <summary>Slice with ONNX's clamping: starts/ends beyond the axis are clamped; negative steps walk backwards.</summary>
    private static Tensor[] Slice(OnnxNode n)
    {
        var x = n.In(0);
        long[] starts = OnnxTensors.Longs(n.In(1)), ends = OnnxTensors.Longs(n.In(2));
        long[] axes = n.Optional(3) is { } a ? OnnxTensors.Longs(a) : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        long[] steps = n.Optional(4) is { } s ? OnnxTensors.Longs(s) : Filled(starts.Length, 1);
        for (int i = 0; i < starts.Length; i++)
        {
            long axis = Axis(axes[i], x.dim()), size = x.shape[axis], step = steps[i];
            if (step == 0) throw n.Error("has a step of 0");
            long start = starts[i] < 0 ? starts[i] + size : starts[i];
            long end = ends[i] < 0 ? ends[i] + size : ends[i];
            if (step > 0)
            {
                start = Math.Clamp(start, 0, size);
                end = Math.Clamp(end, start, size);
                x = x.slice(axis, start, end, step);
            }
            else
            {
                start = Math.Clamp(start, 0, size - 1);
                end = Math.Clamp(end, -1, size - 1);
                var index = arange(start, end, step, dtype: ScalarType.Int64);
                x = x.index_select(axis, index);
            }
        }
        return One(x);
    }

    /// <summary>Split (opset 13): into the sizes of the optional <c>split</c> input, or into equal parts, one per output.</summary>
    private static Tensor[] Split(OnnxNode n)
    {
        var x = n.In(0);
        long axis = Axis(n.Int("axis", 0), x.dim());
        long[] sizes = n.Optional(1) is { } s ? OnnxTensors.Longs(s) : Filled(n.OutputCount, x.shape[axis] / n.OutputCount);
        if (sizes.Sum() != x.shape[axis] || sizes.Length != n.OutputCount)
            throw n.Error($"splits an axis of size {x.shape[axis]} into [{string.Join(", ", sizes)}] for {n.OutputCount} outputs");
        return x.split(sizes, axis);
    }

    /// <summary>ConstantOfShape: a tensor of the given shape filled with the one-element <c>value</c> (default float 0).</summary>
    private static Tensor[] ConstantOfShape(OnnxNode n)
    {
        long[] shape = OnnxTensors.Longs(n.In(0));
        using var value = n.Attribute("value") is { } a ? OnnxTensors.ToTorch(a.T, "constant") : tensor(0f);
        if (value.numel() != 1) throw n.Error("has a value of more than one element");
        var type = OnnxTensors.IsFloating(value.dtype) ? n.WorkingFloat : value.dtype;
        double fill;
        using (NewDisposeScope()) fill = value.to(ScalarType.Float64).flatten()[0].ToDouble();
        return One(full(shape, fill, dtype: type));
    }

    private static Tensor[] Cast(OnnxNode n)
    {
        var x = n.In(0);
        long to = n.Int("to", 0);
        var target = OnnxTensors.CastTarget(to, n.WorkingFloat);
        var cast = x.dtype == target ? x.alias() : x.to(target);
        return One(OnnxTensors.HalfType(to) is { } half ? OnnxTensors.RoundedAs(cast, half) : cast);
    }
}
