using Lla.Onnx;
using Lla.Tests.Support;
using static Lla.Tests.Onnx.OnnxGraphFiles;

namespace Lla.Tests.Onnx;

/// <summary>Graphs with several inputs and outputs: <see cref="OnnxModule.Run"/> by name, and inputs bound at load.</summary>
public class OnnxGraphTests
{
    public OnnxGraphTests() => TestTorch.Init();

    /// <summary>sum = x + mask, product = x · mask: two inputs, two outputs.</summary>
    private static string TwoByTwo() => Write(
        new[] { Node("Add", new[] { "x", "mask" }, new[] { "sum" }), Node("Mul", new[] { "x", "mask" }, new[] { "product" }) },
        new[] { "x", "mask" }, new[] { "sum", "product" });

    [Fact]
    public void Run_takes_every_input_by_name_and_returns_every_output_by_name()
    {
        using var graph = OnnxModel.LoadGraph(TwoByTwo());
        Assert.Equal(new[] { "x", "mask" }, graph.InputNames);
        Assert.Equal(new[] { "sum", "product" }, graph.OutputNames);
        using var x = tensor(new[] { 1.0, 2.0, 3.0 });
        using var mask = tensor(new[] { 0.0, 1.0, 10.0 });
        var outputs = graph.Run(new Dictionary<string, Tensor> { ["x"] = x, ["mask"] = mask });
        Assert.Equal(new[] { 1.0, 3.0, 13.0 }, outputs["sum"].data<double>().ToArray());
        Assert.Equal(new[] { 0.0, 2.0, 30.0 }, outputs["product"].data<double>().ToArray());
        foreach (var t in outputs.Values) t.Dispose();

        var missing = Assert.Throws<LlaException>(() => graph.Run(new Dictionary<string, Tensor> { ["x"] = x }));
        Assert.EndsWith("the ONNX graph's input 'mask' has no value", missing.Message);
        var unknown = Assert.Throws<LlaException>(() => graph.Run(new Dictionary<string, Tensor> { ["x"] = x, ["mask"] = mask, ["y"] = x }));
        Assert.Contains("'y' is not an input of the ONNX graph (its inputs: x, mask)", unknown.Message);
    }

    [Fact]
    public void Load_refuses_a_second_input_left_unbound_and_runs_the_data_with_the_others_bound()
    {
        string path = TwoByTwo();
        var refused = Assert.Throws<LlaException>(() => OnnxModel.Load(path));
        Assert.EndsWith("the ONNX graph's input 'mask' is not bound; the data feeds 'x' and every other input needs a value", refused.Message);

        using var mask = tensor(new[] { 2f, 3f });
        using var model = OnnxModel.Load(path, new Dictionary<string, Tensor> { ["mask"] = mask });
        Assert.Equal("x", model.DataInput);
        mask.add_(100f);  // the module holds its own copy
        using var x = tensor(new[] { 1f, 1f });
        using (var y = model.forward(x)) Assert.Equal(new[] { 3f, 4f }, y.data<float>().ToArray());

        // A bound float follows the working precision, as constants do.
        model.to(ScalarType.Float64);
        using var x64 = tensor(new[] { 1.0, 1.0 });
        using (var y = model.forward(x64))
        {
            Assert.Equal(ScalarType.Float64, y.dtype);
            Assert.Equal(new[] { 3.0, 4.0 }, y.data<double>().ToArray());
        }
    }

    [Fact]
    public void A_binding_the_graph_does_not_have_or_one_that_leaves_no_input_is_refused()
    {
        string path = TwoByTwo();
        using var t = tensor(1f);
        var unknown = Assert.Throws<LlaException>(() => OnnxModel.Load(path, new Dictionary<string, Tensor> { ["mask"] = t, ["tokens"] = t }));
        Assert.Contains("'tokens' is bound but is not an input of the ONNX graph (its inputs: x, mask)", unknown.Message);
        var none = Assert.Throws<LlaException>(() => OnnxModel.Load(path, new Dictionary<string, Tensor> { ["mask"] = t, ["x"] = t }));
        Assert.EndsWith("every input of the ONNX graph is bound, none is left for the data", none.Message);
    }

    [Fact]
    public void Sequence_and_string_values_are_refused_in_one_line()
    {
        var sequence = new global::Onnx.ValueInfoProto
        {
            Name = "items",
            Type = new global::Onnx.TypeProto { SequenceType = new global::Onnx.TypeProto.Types.Sequence() },
        };
        string path = Write(new[] { Node("Relu", new[] { "x" }, new[] { "y" }) }, new[] { "x" }, new[] { "y" }, typedInputs: new[] { sequence });
        var e = Assert.Throws<LlaException>(() => OnnxModel.LoadGraph(path));
        Assert.EndsWith("the ONNX graph's input 'items' is a sequence, which Lla.NET does not compute with (only numeric tensors)", e.Message);

        var strings = new global::Onnx.ValueInfoProto
        {
            Name = "words",
            Type = new global::Onnx.TypeProto { TensorType = new global::Onnx.TypeProto.Types.Tensor { ElemType = (int)global::Onnx.TensorProto.Types.DataType.String } },
        };
        path = Write(new[] { Node("Relu", new[] { "x" }, new[] { "y" }) }, new[] { "x" }, new[] { "y" }, typedInputs: new[] { strings });
        Assert.Contains("'words' is a tensor of strings", Assert.Throws<LlaException>(() => OnnxModel.LoadGraph(path)).Message);
    }
}
