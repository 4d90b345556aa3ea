using Lla.Data;
using Lla.Connectivity;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Connectivity;

public class LinearPathTests
{
    public LinearPathTests() => TestTorch.Init();

    private static Mlp RandomMlp(long seed, int hidden = 8)
    {
        var model = new Mlp(6, new[] { hidden, hidden }, 3);
        model.to(ScalarType.Float64);
        TrainedModels.Initialize(model, seed);
        return model;
    }

    private static List<Batch> Synthetic(int batches, int size, int features, long seed)
    {
        var g = new Generator((ulong)seed);
        return Enumerable.Range(0, batches).Select(_ =>
        {
            var x = randn(size, features, dtype: ScalarType.Float64, generator: g);
            var y = x.narrow(1, 0, 1).squeeze(1).gt(0).to(ScalarType.Int64) + x.narrow(1, 1, 1).squeeze(1).gt(0.5).to(ScalarType.Int64);
            return new Batch(x, y);
        }).ToList();
    }

    [Fact]
    public void Barrier_is_the_largest_excess_over_the_line_between_the_end_losses()
    {
        // Line from 1 (t = 0) to 2 (t = 1): excesses 0, 3 − 1.5 = 1.5, 1.2 − 1.75 = −0.55, 0.
        Assert.Equal(1.5, PathResult.Barrier(new[] { 0, 0.5, 0.75, 1 }, new[] { 1, 3, 1.2, 2 }), 15);
        // A path below the line has barrier 0: the endpoints contribute exactly 0.
        Assert.Equal(0.0, PathResult.Barrier(new[] { 0, 0.5, 1 }, new[] { 1, 0.2, 2 }));
    }

    [Fact]
    public void Barrier_of_a_model_with_itself_is_exactly_zero()
    {
        var a = RandomMlp(1);
        var data = new PathData(Synthetic(2, 16, 6, 5), Synthetic(1, 16, 6, 6), LossFunctions.CrossEntropy);
        var result = LinearPath.Evaluate(a, new PathEnds(ModelState.Of(a), ModelState.Of(a), aligned: false), data, new PathOptions { Points = 7 });
        // lerp of equal ends is the end itself at every t, so every loss is the same number and the barrier is 0 exactly.
        Assert.All(result.TrainLoss, l => Assert.Equal(result.TrainLoss[0], l));
        Assert.Equal(0.0, result.TrainBarrier);
        Assert.Equal(0.0, result.TestBarrier);
        Assert.Equal(7, result.T.Count);
        Assert.Equal(PathMethod.Linear, result.Method);
        Assert.False(result.Aligned);
    }

    [Fact]
    public void Path_ends_reproduce_the_models_losses_exactly_and_the_workspace_is_restored()
    {
        var a = RandomMlp(1);
        var b = RandomMlp(2);
        var train = Synthetic(3, 16, 6, 5);
        var test = Synthetic(2, 16, 6, 6);
        var data = new PathData(train, test, LossFunctions.CrossEntropy);
        using var before = ModelState.Of(a);
        var progress = new List<(int, int)>();
        var result = LinearPath.Evaluate(a, b, data, new PathOptions { Points = 5 }, (i, n) => progress.Add((i, n)));

        var onA = new Objective(a, LossFunctions.CrossEntropy, train).Evaluate();
        var onB = new Objective(b, LossFunctions.CrossEntropy, train).Evaluate();
        Assert.Equal(onA.Loss, result.TrainLoss[0]);
        Assert.Equal(onB.Loss, result.TrainLoss[^1]);
        Assert.Equal(onA.Accuracy, result.TrainAccuracy[0]);
        Assert.Equal(new Objective(a, LossFunctions.CrossEntropy, test).Evaluate().Loss, result.TestLoss[0]);
        Assert.Equal(new Objective(b, LossFunctions.CrossEntropy, test).Evaluate().Loss, result.TestLoss[^1]);
        Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }, result.T);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (i, 5)), progress);
        // The barrier is computed from the stored losses by its definition.
        Assert.Equal(PathResult.Barrier(result.T, result.TrainLoss), result.TrainBarrier);
        // Model A served as the workspace: its parameters are back.
        foreach (var (name, value) in before.Entries) Assert.True(value.eq(a.state_dict()[name]).all().ToBoolean(), name);
    }

    [Fact]
    public void Models_of_different_architectures_are_refused_with_the_mismatch_named()
    {
        var a = RandomMlp(1, hidden: 8);
        var b = RandomMlp(2, hidden: 9);
        var e = Assert.Throws<LlaException>(() => PathEnds.Of(a, b));
        Assert.Contains("fc1.weight [8,6] vs [9,6]", e.Message);
        var c = new Mlp(6, new[] { 8 }, 3); // its random initial weights do not matter here
        c.to(ScalarType.Float64);
        e = Assert.Throws<LlaException>(() => PathEnds.Of(a, c));
        Assert.Contains("missing in model B: fc3.weight", e.Message);
    }

    private static TorchSharp.Modules.Sequential BatchNormNetwork(long seed)
    {
        var model = Sequential(("fc1", Linear(6, 12)), ("bn", BatchNorm1d(12)), ("act", ReLU()), ("fc2", Linear(12, 3)));
        model.to(ScalarType.Float64);
        TrainedModels.Initialize(model, seed);
        using (no_grad())
        {
            // Non-trivial affine BatchNorm parameters, so that the statistics matter.
            var g = new Generator((ulong)seed + 100);
            var bn = (TorchSharp.Modules.BatchNorm1d)model[1];
            bn.weight!.uniform_(0.5, 1.5, generator: g);
            bn.bias!.uniform_(-0.5, 0.5, generator: g);
        }
        return model;
    }

    [Fact]
    public void Recomputed_statistics_at_t0_reproduce_the_eval_loss_of_a_with_statistics_averaged_over_the_same_batches()
    {
        var a = BatchNormNetwork(3);
        var b = BatchNormNetwork(4);
        var train = Synthetic(4, 10, 6, 7);
        var data = new PathData(train, Synthetic(1, 20, 6, 8), LossFunctions.CrossEntropy);

        // A's statistics, computed independently: each batch's own statistics (momentum 1 copies them into the
        // running buffers), averaged with equal weight per batch.
        var bn = (TorchSharp.Modules.BatchNorm1d)a[1];
        bn.momentum = 1.0;
        var means = new List<Tensor>();
        var variances = new List<Tensor>();
        a.train();
        using (no_grad())
            foreach (var batch in train)
            {
                a.forward(batch.Inputs);
                means.Add(bn.running_mean!.clone());
                variances.Add(bn.running_var!.clone());
            }
        bn.momentum = 0.1;
        using (no_grad())
        {
            bn.running_mean!.copy_(stack(means).mean(new long[] { 0 }));
            bn.running_var!.copy_(stack(variances).mean(new long[] { 0 }));
        }
        a.eval();
        double expected = new Objective(a, LossFunctions.CrossEntropy, train).Evaluate().Loss;
        // Scramble A's statistics: the path must not use them.
        using (no_grad()) { bn.running_mean!.fill_(3.0); bn.running_var!.fill_(7.0); }

        var result = LinearPath.Evaluate(a, b, data, new PathOptions { Points = 3 });
        Assert.Equal(PathBatchNorm.Recompute, result.BatchNorm);
        // The cumulative average (1 − 1/k)·r + (1/k)·x and the plain mean differ only by rounding (~1e-16 relative).
        Assert.True(Math.Abs(result.TrainLoss[0] - expected) <= 1e-12, $"{result.TrainLoss[0]} vs {expected}");
        // The scrambled statistics are back in A afterwards, and its momentum too.
        Assert.Equal(3.0, bn.running_mean!.mean().ToDouble());
        Assert.Equal(0.1, bn.momentum);
    }

    [Fact]
    public void Train_and_eval_batchnorm_modes_use_batch_statistics_and_the_stored_ones()
    {
        var a = BatchNormNetwork(3);
        var b = BatchNormNetwork(4);
        var train = Synthetic(2, 10, 6, 7);
        var data = new PathData(train, Array.Empty<Batch>(), LossFunctions.CrossEntropy);
        using (no_grad())
        {
            var bn = (TorchSharp.Modules.BatchNorm1d)a[1];
            bn.running_mean!.uniform_(-0.2, 0.2, generator: new Generator(21));
            bn.running_var!.uniform_(0.5, 2.0, generator: new Generator(22));
        }
        double evalLoss, trainLoss;
        using (new AnalysisMode(a, BatchNormMode.Eval)) evalLoss = new Objective(a, LossFunctions.CrossEntropy, train).Evaluate().Loss;
        using (new AnalysisMode(a, BatchNormMode.Train)) trainLoss = new Objective(a, LossFunctions.CrossEntropy, train).Evaluate().Loss;
        Assert.NotEqual(evalLoss, trainLoss);

        var onEval = LinearPath.Evaluate(a, b, data, new PathOptions { Points = 2, BatchNorm = PathBatchNorm.Eval });
        var onTrain = LinearPath.Evaluate(a, b, data, new PathOptions { Points = 2, BatchNorm = PathBatchNorm.Train });
        Assert.Equal(evalLoss, onEval.TrainLoss[0]);
        Assert.Equal(trainLoss, onTrain.TrainLoss[0]);
        Assert.Equal(PathBatchNorm.Eval, onEval.BatchNorm);
        Assert.Equal(PathBatchNorm.Train, onTrain.BatchNorm);
        Assert.True(double.IsNaN(onEval.TestLoss[0]) && double.IsNaN(onEval.TestBarrier));
    }
}
