using Lla.Analysis;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using Xunit.Abstractions;

namespace Lla.Tests.Curvature;

/// <summary>
/// Micro-batches (`--micro-batch`): the loss, gradient, HVP, GGN and empirical-Fisher products of a batch computed in
/// parts equal the whole batch's (float64, 1e-12 relative), on a tiny GPT with padding targets (parts weighted by
/// predicted positions, one part predicting nothing) and on an MLP with cross-entropy; BatchNorm in train mode refuses them.
/// </summary>
public class MicroBatchTests
{
    private readonly ITestOutputHelper _output;

    public MicroBatchTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private const int Vocabulary = 11, Positions = 5;

    private static (GptModel Model, List<Batch> Batches) Gpt()
    {
        torch.manual_seed(17);
        var model = (GptModel)ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=12,context=5,vocab=11", new long[] { Positions }, Vocabulary));
        model.to(ScalarType.Float64);
        using (no_grad())
            foreach (var (_, p) in model.named_parameters())
                p.add_(randn_like(p).mul(0.3));
        var generator = new Generator(3);
        var batches = new List<Batch>();
        foreach (int windows in new[] { 5, 3 })
        {
            var ids = randint(0, Vocabulary, new long[] { windows, Positions }, dtype: ScalarType.Int64, generator: generator);
            var targets = randint(0, Vocabulary, new long[] { windows, Positions }, dtype: ScalarType.Int64, generator: generator);
            batches.Add(new Batch(ids, targets));
        }
        // Uneven predicted positions: padding inside and at the end of windows, and a last window of the first batch that predicts nothing.
        var t = batches[0].Targets;
        t[0, 4] = tensor(LossFunctions.IgnoreIndex);
        t[1, 1] = tensor(LossFunctions.IgnoreIndex);
        t[1, 2] = tensor(LossFunctions.IgnoreIndex);
        t[4] = full(Positions, LossFunctions.IgnoreIndex, dtype: ScalarType.Int64);
        batches[1].Targets[2, 0] = tensor(LossFunctions.IgnoreIndex);
        return (model, batches);
    }

    private static (nn.Module<Tensor, Tensor> Model, List<Batch> Batches) Mlp()
    {
        torch.manual_seed(5);
        var model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 4));
        model.to(ScalarType.Float64);
        var generator = new Generator(9);
        var batches = new List<Batch>();
        foreach (int n in new[] { 7, 4 })
            batches.Add(new Batch(randn(new long[] { n, 6 }, dtype: ScalarType.Float64, generator: generator),
                randint(0, 4, new long[] { n }, dtype: ScalarType.Int64, generator: generator)));
        return (model, batches);
    }

    private static double Relative(Tensor a, Tensor b) => a.sub(b).norm().ToDouble() / b.norm().ToDouble();

    /// <summary>Every quantity on whole batches and in micro-batches of <paramref name="micro"/>: worst relative difference.</summary>
    private double Compare(nn.Module<Tensor, Tensor> model, LossFunction loss, List<Batch> batches, int micro, bool outputOperators)
    {
        using var scope = NewDisposeScope();
        var whole = new Objective(model, loss, batches);
        var split = new Objective(model, loss, batches);
        split.SplitInto(micro);
        Assert.Equal(micro, split.MicroBatch);
        var parameters = ParameterSet.Of(model);
        var h1 = new HessianOperator(whole, parameters);
        var h2 = new HessianOperator(split, parameters);
        double worst = Math.Abs(split.Evaluate().Loss - whole.Evaluate().Loss) / Math.Abs(whole.Evaluate().Loss);
        worst = Math.Max(worst, Math.Abs(split.Evaluate().Accuracy - whole.Evaluate().Accuracy));
        worst = Math.Max(worst, Relative(h2.Gradient(), h1.Gradient()));
        var generator = new Generator(11);
        for (int k = 0; k < 2; k++)
        {
            var v = randn(parameters.Dimension, dtype: ScalarType.Float64, generator: generator);
            worst = Math.Max(worst, Relative(h2.Apply(v), h1.Apply(v)));
            if (!outputOperators) continue;
            foreach (var kind in new[] { CurvatureOperator.Ggn, CurvatureOperator.EmpiricalFisher })
                worst = Math.Max(worst, Relative(CurvatureOperators.Create(kind, split, parameters).Apply(v), CurvatureOperators.Create(kind, whole, parameters).Apply(v)));
        }
        return worst;
    }

    [Fact]
    public void A_gpts_micro_batched_products_equal_the_whole_batches_with_padding()
    {
        var (model, batches) = Gpt();
        foreach (int micro in new[] { 1, 2 })
        {
            double worst = Compare(model, LossFunctions.NextTokenCrossEntropy, batches, micro, outputOperators: true);
            _output.WriteLine($"GPT, micro-batch {micro}: worst relative difference {worst:E2}");
            Assert.True(worst < 1e-12, $"micro-batch {micro}: {worst:E2}");
        }
    }

    [Fact]
    public void Parts_of_a_next_token_batch_are_weighted_by_predicted_positions_and_a_part_predicting_nothing_weighs_nothing()
    {
        var (model, batches) = Gpt();
        var objective = new Objective(model, LossFunctions.NextTokenCrossEntropy, batches);
        objective.SplitInto(2);
        Assert.Equal(3, objective.PartCount(0));
        Assert.Equal(2, objective.PartCount(1));
        // Batch 0: windows predict 4, 3, 5, 5, 0 positions (17); parts {0,1}, {2,3}, {4}.
        double w0 = objective.Weight(0);
        Assert.Equal(w0 * 7 / 17, objective.PartWeight(0, 0), 15);
        Assert.Equal(w0 * 10 / 17, objective.PartWeight(0, 1), 15);
        Assert.Equal(0, objective.PartWeight(0, 2));
        Assert.Equal(5.0 / 8, w0, 15);
    }

    [Fact]
    public void An_mlps_micro_batched_products_equal_the_whole_batches()
    {
        var (model, batches) = Mlp();
        foreach (int micro in new[] { 1, 3, 7, 20 })
        {
            double worst = Compare(model, LossFunctions.CrossEntropy, batches, micro, outputOperators: true);
            _output.WriteLine($"MLP, micro-batch {micro}: worst relative difference {worst:E2}");
            Assert.True(worst < 1e-12, $"micro-batch {micro}: {worst:E2}");
        }
    }

    [Fact]
    public void BatchNorm_in_train_mode_refuses_micro_batches_smaller_than_the_batch()
    {
        var model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2));
        var batches = new List<Batch> { new(randn(6, 3), randint(0, 2, new long[] { 6 }, dtype: ScalarType.Int64)) };
        using (new AnalysisMode(model, BatchNormMode.Train))
        {
            var objective = new Objective(model, LossFunctions.CrossEntropy, batches);
            var e = Assert.Throws<LlaException>(() => objective.SplitInto(2));
            Assert.Contains("{micro-batch} 2", e.Template);
            Assert.DoesNotContain("\n", e.Message);
            objective.SplitInto(6); // the whole batch: nothing changes
            Assert.Equal(1, objective.PartCount(0));
        }
        using (new AnalysisMode(model, BatchNormMode.Eval))
        {
            var objective = new Objective(model, LossFunctions.CrossEntropy, batches);
            objective.SplitInto(2);
            Assert.Equal(3, objective.PartCount(0));
        }
    }

    [Fact]
    public void The_memory_plan_of_gpt2_small_chooses_the_largest_micro_batch_that_fits_and_refuses_what_does_not()
    {
        var config = GptConfig.Gpt2Small;
        long d = config.ParameterCount;
        var analysis = new HessianAnalysisOptions { TopK = 5, Esd = true, LanczosSteps = 30, Runs = 1, Trace = false };
        double gib = 1L << 30;
        // Activations grow linearly in windows.
        double one = GptMemory.ActivationBytes(config, 1, 256, 4);
        Assert.Equal(8 * one, GptMemory.ActivationBytes(config, 8, 256, 4), 6);
        var plan = HessianMemoryPlan.For(config, d, ScalarType.Float32, analysis, 2, 256, 20 * gib);
        // SLQ: 31 basis vectors, 4 bytes each (the eigenpairs come after it: no eigenvector is alive).
        Assert.Equal(31.0 * d * 4, plan.SlqBytes);
        Assert.Equal(plan.FixedBytes + plan.SlqBytes, plan.LeastPeakBytes);
        var chosen = HessianMemoryPlan.Choose(config, d, ScalarType.Float32, analysis, 8, 256, 40 * gib);
        Assert.True(chosen.Fits);
        Assert.True(chosen.MicroBatch >= 1 && chosen.MicroBatch <= 8);
        if (chosen.MicroBatch < 8)
        {
            var next = HessianMemoryPlan.For(config, d, ScalarType.Float32, analysis, chosen.MicroBatch + 1, 256, 40 * gib);
            Assert.True(!next.Fits || next.ActivationBytes > 40 * gib / 4);
        }
        Assert.False(HessianMemoryPlan.Choose(config, d, ScalarType.Float32, analysis, 8, 256, 8 * gib).Fits);
        _output.WriteLine($"one window of 256: {one / gib:F2} GiB; at 40 GiB: micro-batch {chosen.MicroBatch}, least peak {chosen.LeastPeakBytes / gib:F1} GiB");
    }
}
