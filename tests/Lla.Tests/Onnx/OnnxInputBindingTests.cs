using Lla.Tests.Models;
using Lla.Tests.Support;
using global::Onnx;
using static TorchSharp.torch;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx;

/// <summary>`--onnx-input NAME=FILE.npy|NUMBER`: a graph whose extra inputs are not data runs with them bound; an unbound one is refused naming it.</summary>
[Collection("console")]
public class OnnxInputBindingTests
{
    /// <summary>logits = (x ⊙ mask) · W + b, with x [N, 4] the data and mask [4] a second input; W [4, 3], b [3] stored.</summary>
    private static (string Dir, string Model) MaskedLinear()
    {
        var w = new float[] { 0.5f, -0.2f, 0.1f, 0.3f, 0.4f, -0.6f, -0.1f, 0.2f, 0.7f, 0.05f, -0.3f, 0.2f };
        var b = new float[] { 0.1f, 0f, -0.1f };
        string model = OnnxGraphFiles.Write(
            new[]
            {
                OnnxGraphFiles.Node("Mul", new[] { "x", "mask" }, new[] { "masked" }),
                OnnxGraphFiles.Node("Gemm", new[] { "masked", "W", "B" }, new[] { "logits" }),
            },
            new[] { "x", "mask" }, new[] { "logits" },
            initializers: new[]
            {
                OnnxGraphFiles.Raw("W", DataType.Float, new long[] { 4, 3 }, w.SelectMany(BitConverter.GetBytes).ToArray()),
                OnnxGraphFiles.Raw("B", DataType.Float, new long[] { 3 }, b.SelectMany(BitConverter.GetBytes).ToArray()),
            });
        string dir = Path.GetDirectoryName(model)!;
        using var x = randn(new long[] { 32, 4 }, generator: manual_seed(3));
        using var y = arange(32, dtype: ScalarType.Int64) % 3;
        TorchScriptTests.WriteNpy(Path.Combine(dir, "x.npy"), x);
        TorchScriptTests.WriteNpy(Path.Combine(dir, "y.npy"), y);
        using var mask = tensor(new float[] { 1, 0, 1, 1 });
        TorchScriptTests.WriteNpy(Path.Combine(dir, "mask.npy"), mask);
        return (dir, model);
    }

    private static string[] Args(string model, params string[] more) =>
        new[] { "hessian", "--model", "onnx:" + model, "--data", "npy:x.npy,y.npy", "--top-k", "1", "--trace", "false", "--esd", "false", "--threads", "1", "--quiet" }.Concat(more).ToArray();

    [Fact]
    public void A_bound_mask_runs_and_is_recorded_and_an_unbound_one_is_refused_by_name()
    {
        var (dir, model) = MaskedLinear();
        var refused = InProcessLla.Run(dir, Args(model, "--out", "unbound"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("the ONNX graph's input 'mask' is not bound", refused.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "unbound")) && File.Exists(Path.Combine(dir, "unbound", "results.json")));

        var bound = InProcessLla.Run(dir, Args(model, "--onnx-input", "mask=mask.npy", "--out", "file"));
        Assert.True(bound.ExitCode == 0, bound.Stderr);
        var results = Lla.Runs.ResultsSerializer.ReadRun(Path.Combine(dir, "file"));
        Assert.Equal(new[] { "mask=mask.npy" }, ((Lla.Runs.ModelSettings)results.Options!).OnnxInput);
        // The masked feature has zero curvature: the Hessian of a mask of ones differs.
        var ones = InProcessLla.Run(dir, Args(model, "--onnx-input", "mask=1", "--out", "ones"));
        Assert.True(ones.ExitCode == 0, ones.Stderr);
        double masked = results.Hessian!.TopEigenvalues![0], unmasked = Lla.Runs.ResultsSerializer.ReadRun(Path.Combine(dir, "ones")).Hessian!.TopEigenvalues![0];
        Assert.True(masked > 0 && unmasked > masked * 1.01, $"top eigenvalue {masked} with the mask, {unmasked} without");
    }

    [Theory]
    [InlineData("mask", "--onnx-input must be NAME=FILE.npy or NAME=NUMBER (got 'mask')")]
    [InlineData("mask=missing.npy", "the file bound to input 'mask' not found: missing.npy")]
    [InlineData("mask=1,mask=2", null)]
    public void A_malformed_binding_is_refused_before_any_work(string binding, string? message)
    {
        var (dir, model) = MaskedLinear();
        var args = binding.Contains(',') ? binding.Split(',').SelectMany(b => new[] { "--onnx-input", b }).ToArray() : new[] { "--onnx-input", binding };
        var run = InProcessLla.Run(dir, Args(model, args.Append("--out").Append("r").ToArray()));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message ?? "--onnx-input binds 'mask' twice", run.Stderr);
    }

    [Fact]
    public void A_zoo_model_takes_no_graph_inputs()
    {
        var run = InProcessLla.Run(Paths.NewTempFolder(), "hessian", "--onnx-input", "mask=1", "--top-k", "1", "--quiet");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--onnx-input binds inputs of an ONNX graph, and lenet is a zoo model", run.Stderr);
    }
}

/// <summary>Bound values take the element type their graph input declares; a value that type cannot hold is refused in one line.</summary>
public class OnnxBoundInputTypeTests
{
    public OnnxBoundInputTypeTests() => TestTorch.Init();

    private static ValueInfoProto Typed(string name, DataType type) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };

    /// <summary>x → Identity → y, and the bound inputs count, scale and flag → Identity → their own outputs.</summary>
    private static string Graph() => OnnxGraphFiles.Write(
        new[]
        {
            OnnxGraphFiles.Node("Identity", new[] { "x" }, new[] { "y" }),
            OnnxGraphFiles.Node("Identity", new[] { "count" }, new[] { "count_out" }),
            OnnxGraphFiles.Node("Identity", new[] { "scale" }, new[] { "scale_out" }),
            OnnxGraphFiles.Node("Identity", new[] { "flag" }, new[] { "flag_out" }),
            OnnxGraphFiles.Node("Identity", new[] { "small" }, new[] { "small_out" }),
        },
        new[] { "x" }, new[] { "y", "count_out", "scale_out", "flag_out", "small_out" },
        typedInputs: new[] { Typed("count", DataType.Int64), Typed("scale", DataType.Float), Typed("flag", DataType.Bool), Typed("small", DataType.Int8) });

    [Fact]
    public void Numbers_take_the_declared_type()
    {
        string path = Graph();
        using var count = tensor(3.0f);  // NAME=3.0 as read: a float
        using var scale = tensor(2L);    // NAME=2 as read: an int64
        using var flag = tensor(1L);
        using var module = Lla.Onnx.OnnxModel.BuildGraph(path, ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)),
            new Dictionary<string, Tensor> { ["count"] = count, ["scale"] = scale, ["flag"] = flag, ["small"] = tensor(-7.0) });
        using var x = ones(2);
        var outputs = module.Run(new Dictionary<string, Tensor> { ["x"] = x });
        Assert.Equal(ScalarType.Int64, outputs["count_out"].dtype);
        Assert.Equal(3L, outputs["count_out"].ToInt64());
        Assert.Equal(ScalarType.Float32, outputs["scale_out"].dtype);
        Assert.Equal(2.0f, outputs["scale_out"].ToSingle());
        Assert.Equal(ScalarType.Bool, outputs["flag_out"].dtype);
        Assert.True(outputs["flag_out"].ToBoolean());
        Assert.Equal(ScalarType.Int8, outputs["small_out"].dtype);
        Assert.Equal(-7, outputs["small_out"].ToInt32());
    }

    [Theory]
    [InlineData("count", 2.5, "input 'count' is declared Int64, but the value bound to it is not a whole number")]
    [InlineData("flag", 2.0, "input 'flag' is declared bool, but the value bound to it is not 0 or 1")]
    [InlineData("count", double.PositiveInfinity, "input 'count' is declared Int64, but the value bound to it is not a whole number")]
    [InlineData("small", 300.0, "input 'small' is declared Int8, but the value bound to it holds 300 (outside -128 to 127)")]
    public void A_value_the_declared_type_cannot_hold_is_refused(string name, double value, string message)
    {
        string path = Graph();
        var bound = new Dictionary<string, Tensor> { ["count"] = tensor(1L), ["scale"] = tensor(1.0f), ["flag"] = tensor(0L), ["small"] = tensor(1L) };
        bound[name] = tensor(value);
        var e = Assert.Throws<LlaException>(() => Lla.Onnx.OnnxModel.BuildGraph(path, ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)), bound));
        Assert.Equal($"{path}: {message}", e.Message);
        foreach (var t in bound.Values) t.Dispose();
    }
}
