using Google.Protobuf;
using Lla.Onnx;
using Lla.Tests.Support;
using global::Onnx;

namespace Lla.Tests.Onnx;

public class OnnxNamingTests
{
    public OnnxNamingTests() => TestTorch.Init();

    private static TensorProto Floats(string name, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(values.Length);
        t.FloatData.Add(values);
        return t;
    }

    /// <summary>
    /// y = BatchNormalization((x + a) · a.b · onnx::Mul_7, scale, shift, mean, var) with awkward names:
    /// "a" and "a.b" collide as a tensor and a module, "onnx::Mul_7" and the statistics are not
    /// PyTorch-style names; the scale ".lead" (a name with an empty segment) goes into the BatchNorm module.
    /// </summary>
    private static string Write()
    {
        var graph = new GraphProto { Name = "names" };
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        graph.Initializer.Add(Floats("a", 1f, 2f));
        graph.Initializer.Add(Floats("a.b", 3f, 4f));
        graph.Initializer.Add(Floats("onnx::Mul_7", 0.5f, 0.25f));
        graph.Initializer.Add(Floats(".lead", 1f, 1f));
        graph.Initializer.Add(Floats("shift", 0.1f, -0.1f));
        graph.Initializer.Add(Floats("stats_mean", 0.2f, 0.3f));
        graph.Initializer.Add(Floats("stats_var", 2f, 3f));
        graph.Node.Add(new NodeProto { OpType = "Add", Input = { "x", "a" }, Output = { "s" } });
        graph.Node.Add(new NodeProto { OpType = "Mul", Input = { "s", "a.b" }, Output = { "m" } });
        graph.Node.Add(new NodeProto { OpType = "Mul", Input = { "m", "onnx::Mul_7" }, Output = { "n" } });
        graph.Node.Add(new NodeProto
        {
            OpType = "BatchNormalization", Name = "norm", Input = { "n", ".lead", "shift", "stats_mean", "stats_var" }, Output = { "y" },
            Attribute = { new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 0f } },
        });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 15 });
        string path = Path.Combine(Paths.NewTempFolder(), "names.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void Names_torchsharp_refuses_are_mapped_and_the_graph_still_computes()
    {
        using var model = OnnxModel.Load(Write());
        var parameters = model.named_parameters().Select(p => p.name).ToList();
        var buffers = model.named_buffers().Select(b => b.name).ToList();
        // Dotted names become submodules; "a.b" cannot live under the tensor "a", so it is registered unchanged on the root.
        Assert.Equal("a", model.OnnxNames["a"]);
        Assert.Equal("a.b", model.OnnxNames["a.b"]);
        Assert.Equal("onnx::Mul_7", model.OnnxNames["onnx::Mul_7"]);
        // The statistics are not P.running_mean/P.running_var: a batchnorm_0 module holds them under TorchSharp's names.
        Assert.Equal("stats_mean", model.OnnxNames["batchnorm_0.running_mean"]);
        Assert.Equal("stats_var", model.OnnxNames["batchnorm_0.running_var"]);
        Assert.Equal(".lead", model.OnnxNames["batchnorm_0.weight"]);
        Assert.Contains("batchnorm_0.running_mean", buffers);
        Assert.Equal(new[] { "a", "a.b", "batchnorm_0.bias", "batchnorm_0.weight", "onnx::Mul_7" }, parameters.Order(StringComparer.Ordinal));

        model.eval();
        using var x = tensor(new[] { 1f, 2f, 3f, 4f }).reshape(2, 2);
        using var n = (x + tensor(new[] { 1f, 2f })) * tensor(new[] { 3f, 4f }) * tensor(new[] { 0.5f, 0.25f });
        using var expected = (n - tensor(new[] { 0.2f, 0.3f })) / tensor(new[] { 2f, 3f }).sqrt() + tensor(new[] { 0.1f, -0.1f });
        using var _ = no_grad();
        Assert.True((model.forward(x) - expected).abs().max().ToDouble() <= 1e-6);
    }
}
