using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>
/// AdamW, nanoGPT's schedule and clipping by global norm against PyTorch 1.13 (tests/fixtures/adamw/make_adamw_reference.py:
/// six float64 steps of torch.optim.AdamW with nanoGPT's two parameter groups, get_lr and clip_grad_norm_), and
/// weight decay's reach on the GPT (weights and embeddings, never biases or LayerNorms).
/// </summary>
public class AdamWTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public AdamWTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private static readonly JsonNode Reference = JsonNode.Parse(File.ReadAllText(Paths.Fixture(Path.Combine("adamw", "reference.json"))))!;

    private static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    [Fact]
    public void Six_steps_with_warm_up_cosine_decay_and_clipping_match_PyTorch()
    {
        var r = Reference;
        var x = tensor(Doubles(r["x"]), dtype: ScalarType.Float64).reshape(6, 4);
        var y = tensor(Doubles(r["y"]), dtype: ScalarType.Float64).reshape(6, 3);
        var idx = tensor(r["idx"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray());
        string[] names = { "W", "E", "b", "g" };
        var p = names.ToDictionary(n => n, n => tensor(Doubles(r["init"]![n]!["values"]), dtype: ScalarType.Float64)
            .reshape(r["init"]![n]!["shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).requires_grad_());
        var options = new TrainOptions
        {
            Optimizer = OptimizerKind.AdamW, LearningRate = r["lr"]!.GetValue<double>(), MinLearningRate = r["min_lr"]!.GetValue<double>(),
            WarmupSteps = r["warmup_steps"]!.GetValue<int>(), Schedule = ScheduleKind.Cosine, Epochs = 1, BatchSize = 1,
            WeightDecay = r["weight_decay"]!.GetValue<double>(), Beta1 = r["beta1"]!.GetValue<double>(), Beta2 = r["beta2"]!.GetValue<double>(),
            ClipGradNorm = r["clip_grad_norm"]!.GetValue<double>(),
        };
        int steps = r["steps"]!.GetValue<int>();
        // One epoch of `steps` samples in batches of one: the run's steps are the reference's.
        var schedule = Trainer.Schedule(options, steps);
        var optimizer = new ScheduledOptimizer(new AdamW(names.Select(n => (n, p[n])), options.LearningRate, options.Beta1, options.Beta2, weightDecay: options.WeightDecay), schedule);
        var parameters = names.Select(n => p[n]).ToList();
        double worst = 0;
        for (int step = 0; step < steps; step++)
        {
            var expected = r["trajectory"]![step]!;
            Assert.Equal(expected["lr"]!.GetValue<double>(), schedule.At(step), 15);
            optimizer.ZeroGrad();
            using (var scope = NewDisposeScope())
            {
                var h = x + p["E"].index_select(0, idx);
                var output = tanh(h.matmul(p["W"].t()) + p["b"]) * p["g"];
                var loss = (output - y).pow(2).mean();
                Assert.Equal(expected["loss"]!.GetValue<double>(), loss.ToDouble(), 12);
                loss.backward();
            }
            double norm = GradientClipping.ClipByGlobalNorm(parameters, options.ClipGradNorm);
            Assert.Equal(expected["grad_norm"]!.GetValue<double>(), norm, 12);
            optimizer.Step();
            foreach (var n in names)
            {
                var want = Doubles(expected["params"]![n]);
                var got = p[n].detach().flatten().data<double>().ToArray();
                for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(want[i] - got[i]));
            }
        }
        Assert.Equal(steps, optimizer.Position);
        _output.WriteLine($"largest |Δweight| against PyTorch after {steps} steps: {worst:E2}");
        Assert.True(worst <= 1e-12, $"AdamW's weights differ from PyTorch's by up to {worst:E2}");
    }

    [Fact]
    public void One_step_by_hand_decays_first_then_takes_the_bias_corrected_Adam_step()
    {
        // p = 2, g = 0.5, lr 0.1, wd 0.2, β = (0.9, 0.95): p·(1 − 0.02) = 1.96; m = 0.05, v = 0.0125;
        // m̂ = 0.5, √v̂ = 0.5: step lr·m̂/(√v̂ + ε) = 0.1·0.5/(0.5 + 1e-8).
        var w = tensor(new[] { 2.0, 2.0 }, dtype: ScalarType.Float64).reshape(1, 2).requires_grad_();
        (w * tensor(new[] { 0.5, 0.5 }, dtype: ScalarType.Float64)).sum().backward();
        new AdamW(new[] { ("w", w) }, 0.1, 0.9, 0.95, weightDecay: 0.2).Step();
        double expected = 2 * (1 - 0.1 * 0.2) - 0.1 * 0.5 / (0.5 + 1e-8);
        foreach (var v in w.detach().flatten().data<double>().ToArray()) Assert.Equal(expected, v, 15);
    }

    [Fact]
    public void Weight_decay_reaches_the_GPTs_weights_and_embeddings_and_never_its_biases_or_LayerNorms()
    {
        var model = ModelZoo.Create(new ModelSpec("gpt:layers=1,heads=2,width=8,context=4,vocab=11", new long[] { 4 }, 11));
        model.to(ScalarType.Float64);
        var named = model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).ToList();
        foreach (var (_, t) in named) t.grad = zeros_like(t); // a zero gradient: Adam moves nothing, only the decay acts
        var before = named.ToDictionary(p => p.name, p => p.Item2.detach().clone());
        var optimizer = Trainer.CreateOptimizer(model, new TrainOptions { Optimizer = OptimizerKind.AdamW, LearningRate = 0.5, WeightDecay = 0.1 });
        Assert.Equal("adamw", optimizer.Name);
        optimizer.Step();
        var decayed = new List<string>();
        foreach (var (name, t) in named)
        {
            if (t.dim() >= 2)
            {
                Assert.True(t.detach().eq(before[name] * (1 - 0.5 * 0.1)).all().item<bool>(), $"{name} was not decayed by 1 − lr·wd");
                decayed.Add(name);
            }
            else Assert.True(t.detach().eq(before[name]).all().item<bool>(), $"{name} (1-D) changed");
        }
        Assert.Equal(new[] { "transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
            "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_proj.weight" }.OrderBy(n => n), decayed.OrderBy(n => n));
        Assert.Contains(named, p => p.name.Contains("ln_1.weight"));
    }
}
