using Lla.Onnx;
using Lla.Tests.Support;
using static Lla.Tests.Onnx.OnnxGraphFiles;

namespace Lla.Tests.Onnx;

/// <summary>Nodes of opsets 6–12 follow their own definitions: attributes that later became inputs, legacy broadcasting, older semantics.</summary>
public class OnnxOpsetTests
{
    public OnnxOpsetTests() => TestTorch.Init();

    private static double[] RunOne(string path, Tensor x)
    {
        using var model = OnnxModel.Load(path);
        using var y = model.forward(x);
        return y.to(ScalarType.Float64).flatten().data<double>().ToArray();
    }

    private static Tensor Range(params long[] shape) => arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Float64).reshape(shape);

    [Fact]
    public void Split_pad_slice_and_clip_read_their_attributes_before_they_became_inputs()
    {
        using var x = Range(2, 3);
        // Split opset 11: split = [1, 2] along axis 1; the second part.
        string split = Write(new[] { Node("Split", new[] { "x" }, new[] { "a", "b" }, ("axis", 1L), ("split", new[] { 1L, 2L })) }, new[] { "x" }, new[] { "b" }, opset: 11);
        using (var graph = OnnxModel.LoadGraph(split))
        {
            var outputs = graph.Run(new Dictionary<string, Tensor> { ["x"] = x });
            Assert.Equal(new long[] { 2, 2 }, outputs["b"].shape);
            Assert.Equal(new[] { 1.0, 2.0, 4.0, 5.0 }, outputs["b"].flatten().data<double>().ToArray());
        }
        // Pad opset 10: pads [0, 1, 0, 0] (one column before) filled with value 7.
        string pad = Write(new[] { Node("Pad", new[] { "x" }, new[] { "y" }, ("pads", new[] { 0L, 1L, 0L, 0L }), ("value", 7f)) }, new[] { "x" }, new[] { "y" }, opset: 10);
        Assert.Equal(new[] { 7.0, 0, 1, 2, 7, 3, 4, 5 }, RunOne(pad, x));
        // Slice opset 9: starts [1], ends [3], axes [1].
        string slice = Write(new[] { Node("Slice", new[] { "x" }, new[] { "y" }, ("starts", new[] { 1L }), ("ends", new[] { 3L }), ("axes", new[] { 1L })) }, new[] { "x" }, new[] { "y" }, opset: 9);
        Assert.Equal(new[] { 1.0, 2, 4, 5 }, RunOne(slice, x));
        // Clip opset 6: min 1, max 4.
        string clip = Write(new[] { Node("Clip", new[] { "x" }, new[] { "y" }, ("min", 1f), ("max", 4f)) }, new[] { "x" }, new[] { "y" }, opset: 6);
        Assert.Equal(new[] { 1.0, 1, 2, 3, 4, 4 }, RunOne(clip, x));
    }

    [Fact]
    public void Softmax_before_opset_13_normalizes_the_input_flattened_to_2d_at_its_axis()
    {
        using var x = Range(2, 2, 3) / 10.0;
        string older = Write(new[] { Node("Softmax", new[] { "x" }, new[] { "y" }, ("axis", 1L)) }, new[] { "x" }, new[] { "y" }, opset: 11);
        string newer = Write(new[] { Node("Softmax", new[] { "x" }, new[] { "y" }, ("axis", 1L)) }, new[] { "x" }, new[] { "y" }, opset: 13);
        using var rows = x.reshape(2, 6).softmax(1);
        using var perAxis = x.softmax(1);
        Assert.Equal(rows.flatten().data<double>().ToArray(), RunOne(older, x), new ToleranceComparer(1e-12));
        Assert.Equal(perAxis.flatten().data<double>().ToArray(), RunOne(newer, x), new ToleranceComparer(1e-12));
        // The default axis is 1 before opset 13 (the last axis after).
        string defaulted = Write(new[] { Node("LogSoftmax", new[] { "x" }, new[] { "y" }) }, new[] { "x" }, new[] { "y" }, opset: 9);
        using var logRows = x.reshape(2, 6).log_softmax(1);
        Assert.Equal(logRows.flatten().data<double>().ToArray(), RunOne(defaulted, x), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Before_opset_7_binary_operators_broadcast_b_from_their_axis()
    {
        using var a = zeros(2, 3, 2, dtype: ScalarType.Float64);
        using var b = tensor(new[] { 1.0, 2.0, 3.0 });
        string path = Write(new[] { Node("Add", new[] { "a", "b" }, new[] { "y" }, ("broadcast", 1L), ("axis", 1L)) }, new[] { "a", "b" }, new[] { "y" }, opset: 6);
        using var graph = OnnxModel.LoadGraph(path);
        var y = graph.Run(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b })["y"];
        Assert.Equal(new long[] { 2, 3, 2 }, y.shape);
        Assert.Equal(new[] { 1.0, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3 }, y.flatten().data<double>().ToArray());
    }

    [Fact]
    public void Upsample_runs_at_opsets_7_to_9_with_its_scales_as_attribute_or_input_and_is_refused_after()
    {
        using var x = Range(1, 1, 2, 2);
        string seven = Write(new[] { Node("Upsample", new[] { "x" }, new[] { "y" }, ("scales", new[] { 1f, 1f, 2f, 2f })) }, new[] { "x" }, new[] { "y" }, opset: 7);
        Assert.Equal(new[] { 0.0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3 }, RunOne(seven, x));

        var scales = new global::Onnx.TensorProto { Name = "scales", DataType = (int)global::Onnx.TensorProto.Types.DataType.Float, Dims = { 4 }, FloatData = { 1f, 1f, 1f, 2f } };
        string nine = Write(new[] { Node("Upsample", new[] { "x", "scales" }, new[] { "y" }, ("mode", "linear")) }, new[] { "x" }, new[] { "y" }, opset: 9, initializers: new[] { scales });
        // Output column j reads input column j/2: 0, 0.5, 1 and 1.5 clamped to 1.
        Assert.Equal(new[] { 0.0, 0.5, 1, 1, 2, 2.5, 3, 3 }, RunOne(nine, x));

        string ten = Write(new[] { Node("Upsample", new[] { "x", "scales" }, new[] { "y" }) }, new[] { "x" }, new[] { "y" }, opset: 10, initializers: new[] { scales });
        Assert.Contains("uses operator Upsample (node upsample, opset 10), which Lla.NET does not support", Assert.Throws<LlaException>(() => OnnxModel.Load(ten)).Message);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
