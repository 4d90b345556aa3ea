using Onnx;
using TorchSharp;
using static TorchSharp.torch;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace Lla.Onnx;

/// <summary>
/// Older operator definitions (opsets 6–12) run by the implementations of the newer ones: an attribute
/// that later became an input is passed as that input (<see cref="Inputs"/>), and an operator whose
/// semantics changed has its older definition here (<see cref="Get(string, int)"/>). Source: the ONNX
/// operator changelog (onnx/defs/*/old.cc): each entry names the opset that introduced the newer form.
/// </summary>
internal static partial class OnnxOperators
{
    /// <summary>
    /// Attributes that became inputs: before opset <c>Since</c>, attribute <c>Attribute</c> of <c>Op</c> is passed
    /// as input <c>Input</c> (integer lists as int64, floats as float64 scalars, float lists as a float64 vector).
    /// </summary>
    private static readonly (string Op, int Since, string Attribute, int Input)[] AttributesToInputs =
    {
        ("Split", 13, "split", 1),
        ("Squeeze", 13, "axes", 1), ("Unsqueeze", 13, "axes", 1), ("ReduceSum", 13, "axes", 1),
        ("Pad", 11, "pads", 1), ("Pad", 11, "value", 2),
        ("Slice", 10, "starts", 1), ("Slice", 10, "ends", 2), ("Slice", 10, "axes", 3),
        ("Clip", 11, "min", 1), ("Clip", 11, "max", 2),
        ("TopK", 10, "k", 1),
        ("Upsample", 9, "scales", 1),
        ("Dropout", 12, "ratio", 1),
    };

    /// <summary>Binary operators that before opset 7 broadcast only when asked (<c>broadcast</c>=1), aligning B at <c>axis</c>.</summary>
    private static readonly HashSet<string> LegacyBroadcast = new()
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Greater", "Less", "And", "Or", "Xor",
    };

    /// <summary>Definitions that differ before opset <c>Since</c> from the ones in <see cref="Table"/>, or that only older opsets have.</summary>
    private static readonly Dictionary<string, (int Since, Operator Run)> Older = new()
    {
        // Before 13, Softmax and LogSoftmax flatten the input to 2-D at axis (default 1) and normalize each row.
        ["Softmax"] = (13, n => Coerced2D(n, x => x.softmax(1))),
        ["LogSoftmax"] = (13, n => Coerced2D(n, x => x.log_softmax(1))),
        // Upsample (opsets 7–9, replaced by Resize at 10).
        ["Upsample"] = (10, Upsample),
    };

    /// <summary>The implementation of <paramref name="opType"/> as defined at <paramref name="opset"/>.</summary>
    public static Operator Get(string opType, int opset) =>
        Older.TryGetValue(opType, out var older) && opset < older.Since ? older.Run : Table[opType];

    /// <summary>Whether Lla.NET runs <paramref name="opType"/> as defined at <paramref name="opset"/>.</summary>
    public static bool Knows(string opType, int opset) =>
        Older.TryGetValue(opType, out var older) && opset < older.Since || Table.ContainsKey(opType);

    /// <summary>The node's inputs in the form the newest definition takes (unchanged at opset 13 and later).</summary>
    public static Tensor?[] Inputs(OnnxNode node, Tensor?[] inputs)
    {
        if (node.Opset >= 13) return inputs;
        var result = inputs;
        foreach (var (op, since, attribute, input) in AttributesToInputs)
        {
            if (op != node.OpType || node.Opset >= since || node.Attribute(attribute) is not { } a) continue;
            if (result.Length <= input) Array.Resize(ref result, input + 1);
            result[input] = AttributeTensor(node, a);
        }
        if (node.Opset < 7 && LegacyBroadcast.Contains(node.OpType) && node.Int("broadcast", 0) != 0 && result.Length == 2
            && result[0] is { } x && result[1] is { } b && b.dim() < x.dim())
        {
            // B's axes line up with A's from axis (default: B's last axis on A's last): append size-1 axes after them.
            long axis = node.Has("axis") ? Axis(node.Int("axis", 0), x.dim()) : x.dim() - b.dim();
            if (axis < 0 || axis + b.dim() > x.dim()) throw node.Error($"broadcasts a rank-{b.dim()} B from axis {axis} of a rank-{x.dim()} A");
            result = new Tensor?[] { x, b.reshape(b.shape.Concat(Filled((int)(x.dim() - axis - b.dim()), 1)).ToArray()) };
        }
        return result;
    }

    /// <summary>An attribute's value as a tensor: ints as int64, floats as float64 (a single int as a one-element vector, as TopK's k).</summary>
    private static Tensor AttributeTensor(OnnxNode node, AttributeProto a) => a.Type switch
    {
        AttributeType.Ints => tensor(a.Ints.ToArray()),
        AttributeType.Floats => tensor(a.Floats.Select(f => (double)f).ToArray()),
        AttributeType.Float => tensor((double)a.F),
        AttributeType.Int => tensor(new[] { a.I }),
        // Files written before attributes had types: the field that holds values says.
        AttributeType.Undefined when a.Ints.Count > 0 => tensor(a.Ints.ToArray()),
        AttributeType.Undefined when a.Floats.Count > 0 => tensor(a.Floats.Select(f => (double)f).ToArray()),
        _ => throw node.Error($"has attribute {a.Name} of type {a.Type}, which its opset {node.Opset} definition does not have"),
    };

    private static Tensor[] Coerced2D(OnnxNode n, Func<Tensor, Tensor> rows)
    {
        var x = n.In(0);
        int axis = (int)Axis(n.Int("axis", 1), x.dim());
        long outer = x.shape[..axis].Aggregate(1L, (a, b) => a * b), inner = x.shape[axis..].Aggregate(1L, (a, b) => a * b);
        return One(rows(x.reshape(outer, inner)).reshape(x.shape));
    }

    /// <summary>
    /// Upsample (opsets 7–9): each axis of size d becomes ⌊d·scale⌋; output position i reads input position
    /// i/scale, the nearest one below (mode nearest) or linearly between its two neighbours (mode linear).
    /// </summary>
    private static Tensor[] Upsample(OnnxNode n)
    {
        var x = n.In(0);
        using var scaleTensor = n.In(1).to(ScalarType.Float64).cpu();
        double[] scales = scaleTensor.data<double>().ToArray();
        if (scales.Length != x.dim()) throw n.Error($"has {scales.Length} scales for an input of rank {x.dim()}");
        string mode = n.String("mode", "nearest");
        if (mode is not ("nearest" or "linear" or "bilinear")) throw n.Error($"has mode={mode}, which is not an Upsample mode");
        for (int d = 0; d < scales.Length; d++)
        {
            if (scales[d] == 1.0) continue;
            long size = x.shape[d], outSize = (long)Math.Floor(size * scales[d]);
            var position = (arange(outSize, dtype: ScalarType.Float64, device: x.device) / scales[d]).clamp(0, Math.Max(size - 1, 0));
            var below = position.floor();
            var low = below.to(ScalarType.Int64);
            if (mode == "nearest")
            {
                x = x.index_select(d, low);
                continue;
            }
            var high = (low + 1).clamp_max(size - 1);
            var shape = Filled((int)x.dim(), 1);
            shape[d] = outSize;
            var weight = (position - below).to(x.dtype).reshape(shape);
            x = x.index_select(d, low) * (1.0 - weight) + x.index_select(d, high) * weight;
        }
        return One(x);
    }
}
