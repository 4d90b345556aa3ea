using Lla.Data;
using Lla.Connectivity;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Connectivity;

public class CurveTests
{
    private readonly ITestOutputHelper _output;

    public CurveTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private static Mlp RandomMlp(long seed)
    {
        var model = new Mlp(6, new[] { 8 }, 3);
        model.to(ScalarType.Float64);
        TrainedModels.Initialize(model, seed);
        return model;
    }

    private static bool Same(ModelState x, ModelState y) => x.Names.All(n => x[n].eq(y[n]).all().ToBoolean());

    [Theory]
    [InlineData(PathMethod.Bezier)]
    [InlineData(PathMethod.Chain)]
    public void Curves_start_at_a_and_end_at_b_exactly(PathMethod method)
    {
        var ends = PathEnds.Of(RandomMlp(1), RandomMlp(2));
        using var bend = ModelState.Of(RandomMlp(3));
        using var start = Curve.Point(method, ends, bend, 0.0);
        using var end = Curve.Point(method, ends, bend, 1.0);
        using var middle = Curve.Point(method, ends, bend, 0.5);
        Assert.True(Same(start, ends.A));
        Assert.True(Same(end, ends.B));
        if (method == PathMethod.Chain) Assert.True(Same(middle, bend)); // the chain passes through its bend
        else
        {
            // φ(1/2) = (θ_A + 2θ_C + θ_B)/4.
            foreach (var n in bend.Names)
            {
                var expected = (ends.A[n] + 2 * bend[n] + ends.B[n]) / 4;
                Assert.True(middle[n].allclose(expected, rtol: 0, atol: 1e-15), n);
            }
        }
    }

    [Fact]
    public void An_untrained_bezier_bend_at_the_midpoint_is_the_linear_path()
    {
        // With θ_C = (θ_A + θ_B)/2 the Bezier curve is (1 − t)θ_A + tθ_B: the curve starts as the straight path.
        var ends = PathEnds.Of(RandomMlp(1), RandomMlp(2));
        using var bend = Curve.Midpoint(ends);
        using var point = Curve.Point(PathMethod.Bezier, ends, bend, 0.3);
        using var linear = LinearPath.Point(ends, 0.3);
        foreach (var n in bend.Names) Assert.True(point[n].allclose(linear[n], rtol: 0, atol: 1e-14), n);
    }

    [Theory]
    [InlineData(PathMethod.Bezier)]
    [InlineData(PathMethod.Chain)]
    public void One_training_step_moves_the_bend_against_the_gradient_of_the_loss_on_the_curve(PathMethod method)
    {
        // Reference: θ_C as an autograd leaf, φ(t) built from it, the one-hidden-layer MLP written out by hand,
        // cross-entropy on the batch; one plain SGD step (momentum 0) must move θ_C by −lr·∂L(φ(t))/∂θ_C.
        var a = RandomMlp(1);
        var ends = PathEnds.Of(a, RandomMlp(2));
        var bend = ModelState.Of(RandomMlp(3));
        var g = new Generator(8);
        var x = randn(12, 6, dtype: ScalarType.Float64, generator: g);
        var batch = new Batch(x, randint(0, 3, new long[] { 12 }, generator: g));
        const double lr = 0.1;
        var options = new CurveOptions { Method = method, Steps = 1, LearningRate = lr, Momentum = 0, Seed = 21 };
        var start = new CurveState(method, false, bend, new Dictionary<string, Tensor>(), 0, 21, Array.Empty<double>());
        var after = CurveTraining.Train(a, ends, new[] { batch }, LossFunctions.CrossEntropy, options, resume: start);

        double t = CurveTraining.StepT(21, 0);
        var leaves = bend.Names.ToDictionary(n => n, n => bend[n].clone().requires_grad_(true));
        Tensor Phi(string n) => Curve.At(method, ends.A[n], leaves[n], ends.B[n], t);
        var hidden = nn.functional.relu(x.matmul(Phi("fc1.weight").t()) + Phi("fc1.bias"));
        var loss = nn.functional.cross_entropy(hidden.matmul(Phi("fc2.weight").t()) + Phi("fc2.bias"), batch.Targets);
        var gradients = torch.autograd.grad(new[] { loss }, bend.Names.Select(n => leaves[n]).ToArray());
        Assert.Equal(loss.ToDouble(), after.Losses[0], 12);
        for (int i = 0; i < bend.Names.Count; i++)
        {
            string n = bend.Names[i];
            var expected = bend[n] - lr * gradients[i];
            // Same operations up to association: float64 rounding, ~1e-16 relative.
            Assert.True(after.Bend[n].allclose(expected, rtol: 0, atol: 1e-13), n);
        }
        Assert.Contains(gradients, gr => gr.abs().max().ToDouble() > 1e-3); // the step is not trivially zero
    }

    [Fact]
    public void Training_stopped_and_resumed_gives_the_same_bend_as_training_in_one_go()
    {
        var a = RandomMlp(1);
        var ends = PathEnds.Of(a, RandomMlp(2));
        var g = new Generator(4);
        var batches = Enumerable.Range(0, 3).Select(_ =>
        {
            var x = randn(8, 6, dtype: ScalarType.Float64, generator: g);
            return new Batch(x, x.narrow(1, 0, 1).squeeze(1).gt(0).to(ScalarType.Int64));
        }).ToList();
        var options = new CurveOptions { Steps = 8, LearningRate = 0.05, Seed = 11 };
        var steps = new List<(int, int)>();
        var whole = CurveTraining.Train(a, ends, batches, LossFunctions.CrossEntropy, options, progress: (s, n) => steps.Add((s, n)));
        var half = CurveTraining.Train(a, ends, batches, LossFunctions.CrossEntropy, options with { Steps = 4 });
        var resumed = CurveTraining.Train(a, ends, batches, LossFunctions.CrossEntropy, options, resume: half);
        Assert.Equal(8, whole.Step);
        Assert.Equal(4, half.Step);
        Assert.Equal(Enumerable.Range(1, 8).Select(s => (s, 8)), steps);
        // Bit for bit: t and the batch are functions of (seed, step), and the velocity travels with the state.
        Assert.True(Same(whole.Bend, resumed.Bend));
        Assert.Equal(whole.Losses, resumed.Losses);
        // The bend moved, the workspace (model A) did not.
        using var midpoint = Curve.Midpoint(ends);
        Assert.False(Same(whole.Bend, midpoint));
        using var now = ModelState.Of(a);
        Assert.True(Same(now, ends.A));
        // A saved curve of another kind or seed is refused.
        Assert.Throws<LlaException>(() => CurveTraining.Train(a, ends, batches, LossFunctions.CrossEntropy, options with { Seed = 12 }, resume: half));
    }

    [Fact]
    public void A_curve_through_a_batchnorm_network_recomputes_statistics_and_keeps_its_ends()
    {
        TorchSharp.Modules.Sequential Network(long seed)
        {
            var model = nn.Sequential(("fc1", nn.Linear(6, 12)), ("bn", nn.BatchNorm1d(12)), ("act", nn.ReLU()), ("fc2", nn.Linear(12, 3)));
            model.to(ScalarType.Float64);
            TrainedModels.Initialize(model, seed);
            return model;
        }
        var a = Network(1);
        var ends = PathEnds.Of(a, Network(2));
        var g = new Generator(6);
        var batches = Enumerable.Range(0, 3).Select(_ =>
        {
            var x = randn(16, 6, dtype: ScalarType.Float64, generator: g);
            return new Batch(x, x.narrow(1, 0, 1).squeeze(1).gt(0).to(ScalarType.Int64));
        }).ToList();
        var data = new PathData(batches, batches.Take(1).ToList(), LossFunctions.CrossEntropy);
        var curve = CurveTraining.Train(a, ends, batches, LossFunctions.CrossEntropy, new CurveOptions { Steps = 30, LearningRate = 0.05 });
        var options = new PathOptions { Points = 5 };
        var onCurve = CurveTraining.Evaluate(a, ends, curve, data, options);
        var linear = LinearPath.Evaluate(a, ends, data, options);
        Assert.Equal(PathBatchNorm.Recompute, onCurve.BatchNorm);
        // The ends are θ_A and θ_B exactly, and their statistics are recomputed the same way on both paths.
        Assert.Equal(linear.TrainLoss[0], onCurve.TrainLoss[0]);
        Assert.Equal(linear.TrainLoss[^1], onCurve.TrainLoss[^1]);
        Assert.Equal(linear.TestLoss[^1], onCurve.TestLoss[^1]);
        Assert.All(onCurve.TrainLoss, l => Assert.True(double.IsFinite(l)));
    }

    [Fact]
    public void Inputs_of_another_type_than_the_model_are_refused_before_libtorch_sees_them()
    {
        var a = RandomMlp(1);
        var ends = PathEnds.Of(a, RandomMlp(2));
        var batch = new Batch(randn(4, 6), zeros(4, dtype: ScalarType.Int64)); // float32 inputs, float64 model
        var e = Assert.Throws<LlaException>(() => CurveTraining.Train(a, ends, new[] { batch }, LossFunctions.CrossEntropy, new CurveOptions { Steps = 1 }));
        Assert.Contains("Float32", e.Message);
        Assert.Throws<LlaException>(() => LinearPath.Evaluate(a, ends, new PathData(new[] { batch }, Array.Empty<Batch>(), LossFunctions.CrossEntropy)));
    }

    [Theory]
    [InlineData("mlp", new[] { PathMethod.Bezier, PathMethod.Chain })]
    [InlineData("lenet", new[] { PathMethod.Bezier })]
    public void A_trained_curve_between_two_models_stays_below_the_linear_paths_highest_loss(string model, PathMethod[] methods)
    {
        // Two MLPs (784-32-10) or LeNets trained from different seeds, 3 epochs of Adam on 2,000 images (float64); the
        // linear barrier asserted above 0.1 first; the curve is trained on the same 2,000 images (batches of 100),
        // evaluated on them and on 500 test images at 11 points.
        var a = TrainedModels.Get(model, seed: 1, epochs: 3, samples: 2000);
        var b = TrainedModels.Get(model, seed: 2, epochs: 3, samples: 2000);
        var ends = PathEnds.Of(a, b);
        var data = new PathData(TrainedModels.Batches(true, 2000, 100), TrainedModels.Batches(false, 500, 500), LossFunctions.CrossEntropy);
        var options = new PathOptions { Points = 11 };
        var linear = LinearPath.Evaluate(a, ends, data, options);
        Assert.True(linear.TrainBarrier > 0.1, $"the linear barrier is only {linear.TrainBarrier}: the test needs models with a barrier");

        foreach (var method in methods)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var curve = CurveTraining.Train(a, ends, data.Train, LossFunctions.CrossEntropy,
                new CurveOptions { Method = method, Steps = 200, LearningRate = 0.05, Seed = 5 });
            var result = CurveTraining.Evaluate(a, ends, curve, data, options);
            _output.WriteLine($"{model} {method}: linear max {linear.TrainLoss.Max():F4} (barrier {linear.TrainBarrier:F4}), curve max {result.TrainLoss.Max():F4} (barrier {result.TrainBarrier:F4}), test barriers {linear.TestBarrier:F4} → {result.TestBarrier:F4}; {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(method, result.Method);
            // The ends are the models themselves.
            Assert.Equal(linear.TrainLoss[0], result.TrainLoss[0]);
            Assert.Equal(linear.TrainLoss[^1], result.TrainLoss[^1]);
            Assert.True(result.TrainLoss.Max() < linear.TrainLoss.Max());
            Assert.True(result.TrainBarrier < linear.TrainBarrier);
        }
    }
}
