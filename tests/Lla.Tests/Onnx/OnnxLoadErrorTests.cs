using Google.Protobuf;
using Lla.Onnx;
using Lla.Tests.Support;
using global::Onnx;

namespace Lla.Tests.Onnx;

public class OnnxLoadErrorTests
{
    public OnnxLoadErrorTests() => TestTorch.Init();

    /// <summary>A graph x → Relu → (op) → y at the given opset, written with the generated ONNX protobuf types.</summary>
    private static string Write(string secondOp, long opset = 17, string domain = "")
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "first", Input = { "x" }, Output = { "h" } });
        graph.Node.Add(new NodeProto { OpType = secondOp, Name = "odd_one", Domain = domain, Input = { "h" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        string path = Path.Combine(Paths.NewTempFolder(), "tiny.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void An_unsupported_operator_is_named_in_one_line_at_load()
    {
        string path = Write("StringNormalizer");
        var e = Assert.Throws<LlaException>(() => OnnxModel.Load(path));
        Assert.StartsWith($"{path}: the ONNX model uses operator StringNormalizer (node odd_one, opset 17), which Lla.NET does not support; supported: ", e.Message);
        Assert.Contains("supported: Abs, Acos, Acosh, Add, And, ArgMax, ArgMin, Asin, Asinh, Atan, Atanh, AveragePool, BatchNormalization, Cast, CastLike,", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_operator_of_another_domain_is_unsupported()
    {
        string path = Write("FusedConv", domain: "com.microsoft");
        var e = Assert.Throws<LlaException>(() => OnnxModel.Load(path));
        // The node's version is its own domain's import (none here), never the default domain's opset 17.
        Assert.StartsWith($"{path}: the ONNX model uses operator com.microsoft.FusedConv (node odd_one, domain com.microsoft not imported)", e.Message);
    }

    [Fact]
    public void An_operator_of_an_imported_domain_names_that_domain_s_version()
    {
        string path = Write("FusedConv", domain: "com.microsoft");
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        var e = Assert.Throws<LlaException>(() => OnnxModel.Build(path, model));
        Assert.StartsWith($"{path}: the ONNX model uses operator com.microsoft.FusedConv (node odd_one, domain com.microsoft version 1)", e.Message);
    }

    [Fact]
    public void A_supported_tiny_graph_loads_and_runs()
    {
        using var model = OnnxModel.Load(Write("Sigmoid"));
        Assert.Empty(model.parameters());
        using var x = tensor(new[] { -1.0f, 0f, 2f });
        Assert.True((model.forward(x) - x.relu().sigmoid()).abs().max().ToDouble() == 0);
    }

    [Fact]
    public void An_opset_outside_6_to_17_and_a_file_that_is_not_onnx_are_refused()
    {
        var old = Assert.Throws<LlaException>(() => OnnxModel.Load(Write("Sigmoid", opset: 5)));
        Assert.Contains("uses opset 5; Lla.NET runs opsets 6–17", old.Message);
        var newer = Assert.Throws<LlaException>(() => OnnxModel.Load(Write("Sigmoid", opset: 18)));
        Assert.Contains("uses opset 18; Lla.NET runs opsets 6–17", newer.Message);
        string text = Path.Combine(Paths.NewTempFolder(), "notes.onnx");
        File.WriteAllText(text, "not a model at all");
        Assert.Contains("is not an ONNX model", Assert.Throws<LlaException>(() => OnnxModel.Load(text)).Message);
        Assert.Contains("not found", Assert.Throws<LlaException>(() => OnnxModel.Load(text + ".missing")).Message);
    }
}
