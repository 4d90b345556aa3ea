using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Gathering, scattering and selecting elements by index (negative indices count from the end).</summary>
    private static Dictionary<string, Operator> IndexingOperators() => new()
    {
        ["GatherElements"] = GatherElements,
        ["GatherND"] = GatherND,
        ["ScatterElements"] = ScatterElements,
        // Scatter (opsets 9–10) is ScatterElements under its old name.
        ["Scatter"] = ScatterElements,
        ["ScatterND"] = ScatterND,
        ["OneHot"] = OneHot,
        ["TopK"] = TopK,
        ["NonZero"] = n => One(n.In(0).nonzero().t()),
    };

    /// <summary>Indices with negative values counted back from <paramref name="size"/>.</summary>
    private static Tensor FromEnd(Tensor indices, Tensor size)
    {
        var i = indices.to(ScalarType.Int64);
        return where(i < 0, i + size, i);
    }

    private static Tensor FromEnd(Tensor indices, long size) => FromEnd(indices, tensor(size, device: indices.device));

    private static Tensor[] GatherElements(OnnxNode n)
    {
        var x = n.In(0);
        long axis = Axis(n.Int("axis", 0), x.dim());
        return One(x.gather(axis, FromEnd(n.In(1), x.shape[axis])));
    }

    private static long Product(IEnumerable<long> sizes) => sizes.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The flat positions that index tuples (the last axis of <paramref name="indices"/>, k long) select among
    /// the <paramref name="indexed"/> axes: Σⱼ iⱼ·strideⱼ, negative iⱼ counted from the end.
    /// </summary>
    private static Tensor FlatPositions(Tensor indices, long[] indexed)
    {
        var sizes = tensor(indexed, device: indices.device);
        var strides = tensor(indexed.Select((_, j) => Product(indexed.Skip(j + 1))).ToArray(), device: indices.device);
        return (FromEnd(indices, sizes) * strides).sum(-1);
    }

    /// <summary>GatherND: index tuples over the axes after batch_dims select slices of the data.</summary>
    private static Tensor[] GatherND(OnnxNode n)
    {
        Tensor data = n.In(0), indices = n.In(1);
        int b = (int)n.Int("batch_dims", 0);
        int k = (int)indices.shape[^1];
        if (b + k > data.dim()) throw n.Error($"indexes {k} axes after {b} batch axes of data of rank {data.dim()}");
        long[] shape = data.shape;
        long batch = Product(shape[..b]);
        long[] indexed = shape[b..(b + k)], rest = shape[(b + k)..];
        long positions = Product(indexed);
        var flat = FlatPositions(indices.reshape(batch, -1, k), indexed);
        flat = flat + arange(batch, device: flat.device).unsqueeze(1) * positions;
        var rows = data.reshape(new[] { batch * positions }.Concat(rest).ToArray());
        return One(rows.index_select(0, flat.flatten()).reshape(indices.shape[..^1].Concat(rest).ToArray()));
    }

    /// <summary>
    /// Scatter into the flat data at the flat positions with ONNX's reduction: none replaces, add, mul, max and
    /// min combine with the existing value (duplicate positions combine in turn: each round takes every position once).
    /// </summary>
    private static Tensor Scatter(OnnxNode n, Tensor data, Tensor positions, Tensor updates)
    {
        string reduction = n.String("reduction", "none");
        switch (reduction)
        {
            case "none": return data.scatter(0, positions, updates);
            case "add": return data.scatter_add(0, positions, updates);
            case "mul" or "max" or "min": break;
            default: throw n.Error($"has reduction \"{reduction}\"; ONNX's are none, add, mul, max and min");
        }
        long[] targets = OnnxTensors.Longs(positions);
        var seen = new Dictionary<long, int>();
        var rounds = new List<List<long>>();
        for (int i = 0; i < targets.Length; i++)
        {
            int round = seen[targets[i]] = seen.GetValueOrDefault(targets[i], -1) + 1;
            if (round == rounds.Count) rounds.Add(new List<long>());
            rounds[round].Add(i);
        }
        foreach (var round in rounds)
        {
            var which = tensor(round.ToArray(), device: data.device);
            Tensor at = positions.index_select(0, which), values = updates.index_select(0, which);
            data = reduction switch
            {
                "mul" => data * ones_like(data).scatter(0, at, values),
                "max" => data.scatter(0, at, maximum(data.gather(0, at), values)),
                _ => data.scatter(0, at, minimum(data.gather(0, at), values)),
            };
        }
        return data;
    }

    private static Tensor[] ScatterElements(OnnxNode n)
    {
        Tensor data = n.In(0), updates = n.In(2);
        long axis = Axis(n.Int("axis", 0), data.dim());
        var index = FromEnd(n.In(1), data.shape[axis]);
        // The flat position of each update: its own coordinates, with the index in place of the coordinate along axis.
        long[] shape = data.shape;
        var positions = zeros(updates.shape, dtype: ScalarType.Int64, device: data.device);
        for (int j = 0; j < data.dim(); j++)
        {
            long stride = Product(shape.Skip(j + 1));
            var view = Enumerable.Repeat(1L, (int)data.dim()).ToArray();
            view[j] = updates.shape[j];
            var coordinate = j == axis ? index : arange(updates.shape[j], device: data.device).reshape(view);
            positions = positions + coordinate * stride;
        }
        return One(Scatter(n, data.flatten(), positions.flatten(), updates.flatten()).reshape(shape));
    }

    /// <summary>ScatterND: each index tuple (k long) addresses a slice of the data that the matching update replaces or combines with.</summary>
    private static Tensor[] ScatterND(OnnxNode n)
    {
        Tensor data = n.In(0), indices = n.In(1), updates = n.In(2);
        int k = (int)indices.shape[^1];
        if (k > data.dim()) throw n.Error($"indexes {k} axes of data of rank {data.dim()}");
        long[] shape = data.shape;
        long slice = Product(shape[k..]);
        var rows = FlatPositions(indices.reshape(-1, k), shape[..k]);
        var positions = (rows.unsqueeze(1) * slice + arange(slice, device: data.device)).flatten();
        return One(Scatter(n, data.flatten(), positions, updates.flatten()).reshape(shape));
    }

    /// <summary>OneHot: values[1] where the class along <c>axis</c> equals the index (negative ones count back from depth), values[0] elsewhere.</summary>
    private static Tensor[] OneHot(OnnxNode n)
    {
        Tensor values = n.In(2);
        long depth = (long)n.In(1).ToDouble();
        var indices = FromEnd(n.In(0), depth);
        long rank = indices.dim() + 1;
        long axis = Axis(n.Int("axis", -1), rank);
        var classShape = Enumerable.Repeat(1L, (int)rank).ToArray();
        classShape[axis] = depth;
        var hot = indices.unsqueeze(axis).eq(arange(depth, device: indices.device).reshape(classShape));
        var flat = values.flatten();
        return One(where(hot, flat[1], flat[0]));
    }

    /// <summary>TopK: the k largest (or smallest) along <c>axis</c>, sorted, equal values in index order.</summary>
    private static Tensor[] TopK(OnnxNode n)
    {
        var x = n.In(0);
        // Before opset 10, k is an attribute.
        long k = n.Has("k") ? n.Int("k", 0) : OnnxTensors.Longs(n.In(1))[0];
        long axis = Axis(n.Int("axis", -1), x.dim());
        bool largest = n.Int("largest", 1) != 0;
        if (k > x.shape[axis]) throw n.Error($"asks for the top {k} of {x.shape[axis]} values");
        var (values, indices) = x.sort(axis, descending: largest, stable: true);
        return new[] { values.narrow(axis, 0, k), indices.narrow(axis, 0, k) };
    }
}
