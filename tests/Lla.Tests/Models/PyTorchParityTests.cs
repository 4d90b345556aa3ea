using Lla.Data;
using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Models;

/// <summary>
/// The loss Lla.NET computes equals PyTorch's for a TorchVision ResNet-18 and a BatchNorm ResNet-20
/// with the same weights and inputs. The weights and inputs come from the formula in
/// tests/fixtures/make_model_fixtures.py (reproduced here), PyTorch's losses from its output.
/// </summary>
public class PyTorchParityTests
{
    public PyTorchParityTests()
    {
        TestTorch.Init();
        Lla.Vision.VisionModels.Register();
    }

    internal static void Fill(Module model)
    {
        using var _ = no_grad();
        var state = model.state_dict();
        var names = state.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        for (int k = 0; k < names.Count; k++)
        {
            string name = names[k];
            var t = state[name];
            if (name.EndsWith("num_batches_tracked")) { t.zero_(); continue; }
            var j = arange(t.numel(), dtype: ScalarType.Float64);
            var s = sin(0.7 * j + 0.3 * k);
            Tensor v;
            if (name.EndsWith("running_var")) v = 1 + 0.25 * (1 + s);
            else if (name.EndsWith("running_mean")) v = 0.1 * s;
            else if (t.dim() > 1) v = s / Math.Sqrt(t[0].numel());
            else if (name.Contains(".bn") || name.StartsWith("bn") || name.Contains("downsample.1"))
                v = name.EndsWith("weight") ? 1 + 0.1 * s : 0.1 * s;
            else v = 0.1 * s;
            t.copy_(v.reshape(t.shape).to(t.dtype));
        }
    }

    internal static Batch Inputs() => new(
        sin(0.01 * arange(4 * 3 * 32 * 32, dtype: ScalarType.Float64)).to(ScalarType.Float32).reshape(4, 3, 32, 32),
        tensor(new long[] { 0, 1, 2, 3 }));

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet20")]
    public void Loss_equals_pytorchs_in_eval_and_train_mode(string name)
    {
        var reference = JsonNode.Parse(File.ReadAllText(Paths.Fixture("model_reference.json")))![name]!;
        var model = ModelZoo.Create(new ModelSpec(name, new long[] { 3, 32, 32 }, 10));
        Fill(model);
        var batch = Inputs();
        foreach (var mode in new[] { "eval", "train" })
        {
            using var analysis = new AnalysisMode(model, mode == "train" ? BatchNormMode.Train : BatchNormMode.Eval);
            double loss = new Objective(model, LossFunctions.CrossEntropy, new[] { batch }).Evaluate().Loss;
            double expected = reference[$"loss_{mode}"]!.GetValue<double>();
            // float32 through 18–20 layers in two libraries: agreement to 1e-5 relative.
            Assert.True(Math.Abs(loss - expected) <= 1e-5 * Math.Abs(expected), $"{name} {mode}: {loss} vs PyTorch {expected}");
        }
    }

    [Fact]
    public void Resnet20_has_torchvision_style_names_and_bn_buffers_survive_train_mode_analysis()
    {
        var model = ModelZoo.Create(new ModelSpec("resnet20", new long[] { 3, 32, 32 }, 10));
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer3.2.bn2.bias", names);
        Assert.Equal(272_474, model.parameters().Sum(p => p.numel()));
        Fill(model);
        var before = model.state_dict()["bn1.running_mean"].clone();
        using (new AnalysisMode(model, BatchNormMode.Train))
            new Objective(model, LossFunctions.CrossEntropy, new[] { Inputs() }).Evaluate();
        Assert.True(model.state_dict()["bn1.running_mean"].eq(before).all().ToBoolean());
    }
}
