using Google.Protobuf;
using Lla.Onnx;
using Lla.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using static Lla.Tests.Onnx.Operators.SecondDerivatives;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// Operators ONNX's node tests (as installed) do not cover, against ONNX Runtime on the same one-node model in float32,
/// at ONNX's runner tolerance |ours − theirs| ≤ 1e-7 + 1e-3·|theirs|.
/// </summary>
public class OperatorOracleTests
{
    public OperatorOracleTests() => TestTorch.Init();

    [Theory]
    [InlineData("Mish", 18, "")]
    [InlineData("LpNormalization", 17, "p=1")]
    [InlineData("LpNormalization", 17, "p=2")]
    [InlineData("ReduceLogSumExp", 17, "keepdims=0")]
    public void Operators_match_onnx_runtime(string op, int runtimeOpset, string attribute)
    {
        var attributes = attribute.Length == 0 ? Array.Empty<AttributeProto>() : new[] { Int(attribute.Split('=')[0], long.Parse(attribute.Split('=')[1])) };
        var x = (Normal(2, 3, 4) * 3).to(ScalarType.Float32);
        var model = Model(new Case(op, new[] { x }, attributes));
        using var module = OnnxModel.Build(op, model);
        using var _ = no_grad();
        var ours = module.forward(x);

        // ONNX Runtime reads the operator at the opset that defines it (Mish arrived in 18).
        model.OpsetImport[0].Version = runtimeOpset;
        using var session = new InferenceSession(model.ToByteArray(), new SessionOptions { IntraOpNumThreads = 1 });
        var input = new DenseTensor<float>(x.data<float>().ToArray(), x.shape.Select(s => (int)s).ToArray());
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("in0", input) });
        var output = results.First().AsTensor<float>();
        var theirs = tensor(output.ToArray()).reshape(output.Dimensions.ToArray().Select(d => (long)d).ToArray());

        Assert.Equal(theirs.shape, ours.shape);
        Assert.True(((ours - theirs).abs() <= 1e-7 + 1e-3 * theirs.abs()).all().ToBoolean(), $"{op}: max difference {(ours - theirs).abs().max().ToDouble():E2}");
    }
}
