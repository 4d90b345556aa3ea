using Google.Protobuf;
using Lla.Onnx;
using Lla.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using static Lla.Tests.Onnx.Operators.SecondDerivatives;
using Tensor = TorchSharp.torch.Tensor;

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
        Check(new Case(op, new[] { x }, attributes), runtimeOpset);
    }

    private static Tensor Floats(params double[] values) => tensor(values.Select(v => (float)v).ToArray());

    /// <summary>Resize's opset 18–19 additions (Lla reads them whatever the opset; ONNX Runtime at the opset that has them).</summary>
    private static readonly Dictionary<string, Func<Case>> Resizes = new()
    {
        ["antialias linear"] = () => new("Resize", new[] { Image(), null!, Floats(1, 1, 0.6, 0.35) }, [Text("mode", "linear"), Int("antialias", 1)]),
        ["antialias cubic"] = () => new("Resize", new[] { Image(), null!, null!, tensor(new long[] { 1, 2, 4, 3 }) },
            [Text("mode", "cubic"), Int("antialias", 1), Text("coordinate_transformation_mode", "pytorch_half_pixel")]),
        ["axes not_larger"] = () => new("Resize", new[] { Image(), null!, null!, tensor(new long[] { 9, 7 }) },
            [Text("mode", "linear"), Ints("axes", 3, 2), Text("keep_aspect_ratio_policy", "not_larger")]),
        ["axes not_smaller"] = () => new("Resize", new[] { Image(), null!, null!, tensor(new long[] { 3, 5 }) },
            [Text("mode", "nearest"), Ints("axes", 2, 3), Text("keep_aspect_ratio_policy", "not_smaller")]),
        ["half_pixel_symmetric"] = () => new("Resize", new[] { Image(), null!, Floats(1, 1, 1.7, 0.6) },
            [Text("mode", "linear"), Text("coordinate_transformation_mode", "half_pixel_symmetric")]),
    };

    private static Tensor Image() => (Normal(1, 2, 6, 8) * 3).to(ScalarType.Float32);

    /// <summary>
    /// Pad's reflect and edge modes where libtorch's own padding cannot run them (a padded leading axis, rank 2 or 5,
    /// cropping by a negative pad) and where it can (the trailing axes of NCHW): ONNX Runtime at opset 17.
    /// </summary>
    private static readonly Dictionary<string, Func<Case>> Pads = new()
    {
        ["reflect rank 2, leading axis"] = () => new("Pad", new[] { Floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12).reshape(3, 4), tensor(new long[] { 2, 1, 1, 3 }) }, [Text("mode", "reflect")]),
        ["edge rank 5"] = () => new("Pad", new[] { (Normal(2, 1, 3, 2, 4) * 3).to(ScalarType.Float32), tensor(new long[] { 1, 0, 2, 0, 1, 0, 2, 1, 1, 2 }) }, [Text("mode", "edge")]),
        ["reflect with a crop"] = () => new("Pad", new[] { (Normal(1, 2, 5, 6) * 3).to(ScalarType.Float32), tensor(new long[] { 0, 0, -1, 2, 0, 0, 2, -2 }) }, [Text("mode", "reflect")]),
        ["edge with a crop"] = () => new("Pad", new[] { (Normal(3, 5) * 3).to(ScalarType.Float32), tensor(new long[] { -1, 2, 2, -3 }) }, [Text("mode", "edge")]),
        ["reflect NCHW"] = () => new("Pad", new[] { Image(), tensor(new long[] { 0, 0, 2, 3, 0, 0, 1, 2 }) }, [Text("mode", "reflect")]),
        ["edge NCHW"] = () => new("Pad", new[] { Image(), tensor(new long[] { 0, 0, 3, 1, 0, 0, 2, 4 }) }, [Text("mode", "edge")]),
    };

    [Theory]
    [InlineData("reflect rank 2, leading axis")] [InlineData("edge rank 5")] [InlineData("reflect with a crop")] [InlineData("edge with a crop")]
    [InlineData("reflect NCHW")] [InlineData("edge NCHW")]
    public void Pad_reflect_and_edge_match_onnx_runtime(string name) => Check(Pads[name](), runtimeOpset: 17);

    [Fact]
    public void Pad_reflect_of_a_small_matrix_is_the_hand_computed_one()
    {
        // [[1, 2], [3, 4]] reflected by 1 before axis 0 and 1 after axis 1: rows 3 4 | 1 2 | 3 4, then column 1 mirrored.
        var c = new Case("Pad", new[] { Floats(1, 2, 3, 4).reshape(2, 2), tensor(new long[] { 1, 0, 0, 1 }) }, [Text("mode", "reflect")]);
        using var module = OnnxModel.Build("pad", Model(c));
        using var _ = no_grad();
        Assert.Equal(new float[] { 3, 4, 3, 1, 2, 1, 3, 4, 3 }, module.forward(c.Inputs[0]).data<float>().ToArray());
    }

    [Theory]
    [InlineData("antialias linear")] [InlineData("antialias cubic")] [InlineData("axes not_larger")] [InlineData("axes not_smaller")]
    [InlineData("half_pixel_symmetric")]
    public void Resize_of_later_opsets_matches_onnx_runtime(string name) => Check(Resizes[name](), runtimeOpset: 19);

    private static void Check(Case c, int runtimeOpset)
    {
        string op = c.Op;
        var x = c.Inputs[0];
        var model = Model(c);
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
        Assert.NotEqual(0, ours.numel());
        Assert.True(((ours - theirs).abs() <= 1e-7 + 1e-3 * theirs.abs()).all().ToBoolean(), $"{op}: max difference {(ours - theirs).abs().max().ToDouble():E2}");
    }
}
