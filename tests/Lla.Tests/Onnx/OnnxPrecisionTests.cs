using Google.Protobuf;
using Lla.Onnx;
using Lla.Tests.Support;
using global::Onnx;

namespace Lla.Tests.Onnx;

public class OnnxPrecisionTests
{
    public OnnxPrecisionTests() => TestTorch.Init();

    /// <summary>
    /// A float64 ONNX model (weights as little-endian raw_data bytes, as exporters write them):
    /// y = Gemm(x, W, b, transB=1, alpha=2) = 2·x·Wᵀ + b, then Cast to float (which keeps float64,
    /// the model's working precision) — parameters are float64 and the result is exact to rounding.
    /// </summary>
    [Fact]
    public void Float64_initializers_become_float64_parameters_and_cast_keeps_the_working_precision()
    {
        double[] w = { 1, -2, 0.5, 3, 0.25, -1 }, b = { 0.125, -0.5 };
        TensorProto Doubles(string name, double[] values, params long[] dims)
        {
            var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Double,
                RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
            t.Dims.Add(dims);
            return t;
        }
        var graph = new GraphProto { Name = "gemm" };
        graph.Input.Add(new ValueInfoProto { Name = "x" });
        graph.Output.Add(new ValueInfoProto { Name = "y" });
        graph.Initializer.Add(Doubles("fc.weight", w, 2, 3));
        graph.Initializer.Add(Doubles("fc.bias", b, 2));
        graph.Node.Add(new NodeProto
        {
            OpType = "Gemm", Input = { "x", "fc.weight", "fc.bias" }, Output = { "g" },
            Attribute =
            {
                new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 },
                new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 2f },
            },
        });
        graph.Node.Add(new NodeProto
        {
            OpType = "Cast", Input = { "g" }, Output = { "y" },
            Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float } },
        });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        string path = Path.Combine(Paths.NewTempFolder(), "gemm64.onnx");
        File.WriteAllBytes(path, model.ToByteArray());

        using var module = OnnxModel.Load(path);
        Assert.All(module.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, module.named_parameters().Select(p => p.name));
        using var x = tensor(new[] { 1.0 / 3, 2.0 / 7, -1.0 / 9 }, dtype: ScalarType.Float64).reshape(1, 3);
        using var expected = 2 * x.matmul(tensor(w).reshape(2, 3).t()) + tensor(b);
        using var y = module.forward(x);
        Assert.Equal(ScalarType.Float64, y.dtype);
        Assert.True((y - expected).abs().max().ToDouble() <= 1e-15);
    }
}
