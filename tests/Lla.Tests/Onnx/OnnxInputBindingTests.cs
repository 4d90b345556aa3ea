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
