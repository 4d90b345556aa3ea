using Lla.Data;
using System.Text;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Models;

/// <summary>A TorchScript file with BatchNorm (tests/fixtures/make_torchscript_fixture.py) against PyTorch and the same network built natively.</summary>
public class TorchScriptTests
{
    public TorchScriptTests() => TestTorch.Init();

    private sealed class BnCnn : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv = Conv2d(3, 4, 3, padding: 1);
        private readonly TorchSharp.Modules.BatchNorm2d bn = BatchNorm2d(4);
        private readonly TorchSharp.Modules.Linear fc = Linear(64, 3);
        public BnCnn() : base("bn_cnn") => RegisterComponents();
        public override Tensor forward(Tensor x) =>
            fc.forward(functional.max_pool2d(functional.relu(bn.forward(conv.forward(x))), 2).flatten(1));
    }

    internal static Batch Inputs() => new(
        sin(0.01 * arange(6 * 3 * 8 * 8, dtype: ScalarType.Float64)).to(ScalarType.Float32).reshape(6, 3, 8, 8),
        tensor(new long[] { 0, 1, 2, 0, 1, 2 }));

    private static (double Loss, double GradNorm, double HvNorm, double Vhv) Measure(Module<Tensor, Tensor> model)
    {
        using var mode = new AnalysisMode(model, BatchNormMode.Train);
        var objective = new Objective(model, LossFunctions.CrossEntropy, new[] { Inputs() });
        var op = new HessianOperator(objective, ParameterSet.Of(model));
        var v = cos(0.3 * arange(op.Dimension, dtype: ScalarType.Float64)).to(ScalarType.Float32);
        var hv = op.Apply(v);
        return (objective.Evaluate().Loss, op.Gradient().norm().ToDouble(), hv.norm().ToDouble(), hv.dot(v).ToDouble());
    }

    [Fact]
    public void Same_loss_gradient_and_hvp_as_pytorch_and_as_the_native_network()
    {
        var reference = JsonNode.Parse(File.ReadAllText(Paths.Fixture("bn_cnn_reference.json")))!;
        var scripted = TorchScriptModel.Load(Paths.Fixture("bn_cnn.pt"));
        Assert.Equal(reference["parameters"]!.AsArray().Select(n => n!.GetValue<string>()), scripted.named_parameters().Select(p => p.name));
        var native = new BnCnn();
        PyTorchParityTests.Fill(native);

        var s = Measure(scripted);
        var n = Measure(native);
        // Against PyTorch 1.13 (float32, other kernels): 1e-5 relative; TorchScript vs native here: 1e-5 as well.
        void Close(double expected, double actual, string what) =>
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"{what}: {actual} vs {expected}");
        Close(reference["loss"]!.GetValue<double>(), s.Loss, "loss (TorchScript vs PyTorch)");
        Close(reference["grad_norm"]!.GetValue<double>(), s.GradNorm, "gradient norm (TorchScript vs PyTorch)");
        Close(reference["hv_norm"]!.GetValue<double>(), s.HvNorm, "‖Hv‖ (TorchScript vs PyTorch)");
        Close(reference["vhv"]!.GetValue<double>(), s.Vhv, "vᵀHv (TorchScript vs PyTorch)");
        Close(n.Loss, s.Loss, "loss (TorchScript vs native)");
        Close(n.GradNorm, s.GradNorm, "gradient norm (TorchScript vs native)");
        Close(n.HvNorm, s.HvNorm, "‖Hv‖ (TorchScript vs native)");
    }

    [Fact]
    public void Train_mode_analysis_leaves_the_running_statistics_alone_and_float64_works()
    {
        var scripted = TorchScriptModel.Load(Paths.Fixture("bn_cnn.pt"));
        var before = scripted.state_dict()["bn.running_mean"].clone();
        Measure(scripted);
        Assert.True(scripted.state_dict()["bn.running_mean"].eq(before).all().ToBoolean());
        scripted.ToDType(ScalarType.Float64);
        Assert.All(scripted.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.All(scripted.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_file_that_is_not_torchscript_is_a_clear_error()
    {
        Assert.Contains("is not a TorchScript file", Assert.Throws<LlaException>(() => TorchScriptModel.Load(Paths.Fixture("lenet_pytorch_reference.json"))).Message);
        // A zip that is a state dict, not a script module.
        Assert.Contains("could not be loaded as TorchScript", Assert.Throws<LlaException>(() => TorchScriptModel.Load(Paths.Fixture("lenet_pytorch.pth"))).Message);
        Assert.Contains("not found", Assert.Throws<LlaException>(() => TorchScriptModel.Load("/no/such.pt")).Message);
    }

    /// <summary>Writes a version-1 NPY file of float32 or int64 values (the format by hand, for CLI tests).</summary>
    internal static void WriteNpy(string path, Tensor t)
    {
        string descr = t.dtype == ScalarType.Float32 ? "<f4" : "<i8";
        string shape = t.dim() == 1 ? $"({t.shape[0]},)" : $"({string.Join(", ", t.shape)})";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64) * 64 - 10 - 1) + "\n";
        using var f = File.Create(path);
        f.Write(new byte[] { 0x93 });
        f.Write(Encoding.ASCII.GetBytes("NUMPY"));
        f.Write(new byte[] { 1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8) });
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(t.contiguous().bytes);
    }

    [Fact]
    public void The_command_line_analyses_a_torchscript_model()
    {
        string dir = Paths.NewTempFolder();
        var batch = Inputs();
        WriteNpy(Path.Combine(dir, "x.npy"), batch.Inputs);
        WriteNpy(Path.Combine(dir, "y.npy"), batch.Targets);
        var outcome = LlaProcess.Run("analyze", "--model", "torchscript:" + Paths.Fixture("bn_cnn.pt"), "--data", $"npy:{dir}/x.npy,{dir}/y.npy",
            "--lanczos-steps", "20", "--landscape-steps", "4", "--out", Path.Combine(dir, "run"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "results.json")))!;
        var reference = JsonNode.Parse(File.ReadAllText(Paths.Fixture("bn_cnn_reference.json")))!;
        Assert.Equal(reference["loss"]!.GetValue<double>(), results["loss"]!.GetValue<double>(), 5);
        Assert.True(results["numeric_guard"]!["guard"]!["passed"]!.GetValue<bool>());
        Assert.Equal(2, results["landscapes"]!.AsArray().Count);

        // The curvature split, per-layer spectra and the diagonal work on a model known only as a script (issue 16).
        var split = LlaProcess.Run("hessian", "--model", "torchscript:" + Paths.Fixture("bn_cnn.pt"), "--data", $"npy:{dir}/x.npy,{dir}/y.npy",
            "--top-k", "2", "--trace-hvps", "9", "--runs", "1", "--lanczos-steps", "10", "--split-curvature", "--per-layer", "--diagonal", "--diagonal-hvps", "4",
            "--out", Path.Combine(dir, "split"), "--threads", "2", "--quiet");
        Assert.True(split.ExitCode == 0, split.Stderr);
        var curvature = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "split", "results.json")))!;
        Assert.Equal(0, curvature["curvature_split"]!["ggn_mass"]!["negative"]!.GetValue<double>(), 6);
        Assert.Equal(new[] { "bn", "conv", "fc" }, curvature["per_layer"]!["layers"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()).Order());
        Assert.True(File.Exists(Path.Combine(dir, "split", "diagonal.bin")));
    }
}
