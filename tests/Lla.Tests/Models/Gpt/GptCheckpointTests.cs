using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Models.Gpt;

/// <summary>
/// nanoGPT- and Hugging Face GPT-2-named checkpoints written by tests/fixtures/gpt/make_gpt_checkpoints.py
/// (Debian's PyTorch) give PyTorch's logits, loss and accuracy.
/// </summary>
public class GptCheckpointTests
{
    private readonly ITestOutputHelper _output;

    public GptCheckpointTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private const string Tiny = "gpt:layers=2,heads=2,width=16,context=8,vocab=50";

    private static string Fixture(string name) => Paths.Fixture(Path.Combine("gpt", name));

    private static GptModel Load(string file, string gelu, ScalarType dtype)
    {
        var model = (GptModel)ModelZoo.Create(new ModelSpec($"{Tiny},gelu={gelu}", new long[] { 8 }, 50));
        model.to(dtype);
        WeightsLoader.Load(model, Fixture(file));
        model.eval();
        return model;
    }

    /// <summary>
    /// In float64 both sides compute the same float32 weights widened exactly, so only summation order differs:
    /// measured differences are ~1e-15. 1e-5 (the issue's tolerance) is what float32 also meets; it is far above
    /// float64 rounding and far below what a wrong layout, a missing mask or a wrong GELU gives (~1e-1 and ~1e-4).
    /// </summary>
    [Theory]
    [InlineData("nanogpt.pth", "exact")]
    [InlineData("nanogpt.pth", "tanh")]
    [InlineData("hf_gpt2.pth", "exact")]
    [InlineData("hf_gpt2.pth", "tanh")]
    [InlineData("hf_gpt2.safetensors", "tanh")]
    public void Logits_loss_and_accuracy_equal_pytorchs(string file, string gelu)
    {
        var reference = JsonNode.Parse(File.ReadAllText(Fixture("reference.json")))![gelu]!;
        using var expected = NpyReader.Read(Fixture($"logits_{gelu}.npy"));
        using var ids = NpyReader.Read(Fixture("tokens.npy"));
        using var targets = NpyReader.Read(Fixture("targets.npy"));
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            using var scope = NewDisposeScope();
            var model = Load(file, gelu, dtype);
            using var _ = no_grad();
            var logits = model.forward(ids).to(ScalarType.Float64);
            double maxAbs = (logits - expected).abs().max().ToDouble();
            double loss = LossFunctions.NextTokenCrossEntropy(logits, targets).ToDouble();
            double tolerance = dtype == ScalarType.Float64 ? 1e-10 : 1e-5;
            Assert.True(maxAbs <= tolerance, $"{file} {gelu} {dtype}: max |logits − PyTorch's| = {maxAbs:E2}");
            Assert.True(Math.Abs(loss - reference["loss"]!.GetValue<double>()) <= tolerance, $"{file} {gelu} {dtype}: loss {loss} vs {reference["loss"]}");
            var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { new Batch(ids, targets) });
            var evaluated = objective.Evaluate();
            Assert.Equal(reference["accuracy"]!.GetValue<double>(), evaluated.Accuracy, 12);
            Assert.True(Math.Abs(evaluated.Loss - loss) <= tolerance, $"{file} {gelu} {dtype}: Objective's loss {evaluated.Loss} vs {loss}");
            double maxRelative = ((logits - expected).abs() / expected.abs().clamp_min(1e-12)).max().ToDouble();
            _output.WriteLine($"{file} gelu={gelu} {dtype}: max |Δlogits| {maxAbs:E2}, max relative {maxRelative:E2}, |Δloss| {Math.Abs(loss - reference["loss"]!.GetValue<double>()):E2}");
        }
    }

    [Fact]
    public void Both_layouts_load_the_same_weights_and_the_mask_buffers_are_ignored()
    {
        using var scope = NewDisposeScope();
        var nano = Load("nanogpt.pth", "exact", ScalarType.Float32).state_dict();
        foreach (var file in new[] { "hf_gpt2.pth", "hf_gpt2.safetensors" })
        {
            var hf = Load(file, "exact", ScalarType.Float32).state_dict();
            Assert.Equal(nano.Keys.OrderBy(k => k), hf.Keys.OrderBy(k => k));
            Assert.DoesNotContain(nano.Keys, k => k.EndsWith(".attn.bias") || k == "lm_head.weight");
            foreach (var (name, t) in nano) Assert.True(t.eq(hf[name]).all().item<bool>(), $"{file}: {name}");
        }
    }

    [Fact]
    public void A_head_that_differs_from_the_embedding_is_refused_in_one_line()
    {
        var entries = StateDictFiles.Read(Fixture("hf_gpt2.pth"));
        try
        {
            entries["lm_head.weight"].add_(1e-3);
            var e = Assert.Throws<LlaException>(() => GptCheckpoint.Adapt(entries, "hf_gpt2.pth"));
            Assert.Contains("lm_head.weight differs from transformer.wte.weight", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { foreach (var t in entries.Values) t.Dispose(); }
    }

    [Fact]
    public void A_file_of_another_width_names_the_mis_shaped_tensors()
    {
        var model = ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=32,context=8,vocab=50", new long[] { 8 }, 50));
        var e = Assert.Throws<LlaException>(() => WeightsLoader.Load(model, Fixture("nanogpt.pth")));
        Assert.Contains("mis-shaped", e.Message);
    }
}
