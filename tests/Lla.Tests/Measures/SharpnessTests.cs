using Lla.Data;
using Lla.Curvature;
using Lla.Measures;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

public class SharpnessTests
{
    public SharpnessTests() => TestTorch.Init();

    /// <summary>A module whose loss is ½(θ − θ_c)ᵀA(θ − θ_c) of its one parameter vector θ; it ignores the data.</summary>
    private sealed class Quadratic : Module
    {
        public readonly TorchSharp.Modules.Parameter Theta;
        public Quadratic(Tensor start) : base(nameof(Quadratic))
        {
            Theta = new TorchSharp.Modules.Parameter(start.clone());
            register_parameter("theta", Theta);
        }
    }

    private static readonly double[] Spectrum = { 10, 4, 2, 1, 0.5, 0.2 };

    private static (Objective Objective, Quadratic Module) QuadraticProblem(Tensor start, Tensor centre)
    {
        var a = DenseOperator.WithSpectrum(Spectrum, seed: 3).Matrix;
        var module = new Quadratic(start);
        var batches = new[] { new Batch(zeros(8, 1, dtype: ScalarType.Float64), zeros(8, dtype: ScalarType.Int64)) };
        var objective = new Objective(module, (m, _) =>
        {
            var d = ((Quadratic)m).Theta - centre;
            return 0.5 * d.dot(a.mv(d));
        }, batches);
        return (objective, module);
    }

    private static double Get(IReadOnlyList<MeasureValue> values, string name) => values.Single(v => v.Name == name).Value!.Value;

    [Fact]
    public void At_a_minimum_of_a_quadratic_the_l2_worst_case_is_half_rho_squared_lambda_max()
    {
        var centre = tensor(new[] { 0.5, -1, 2, 0.3, -0.7, 1.1 });
        var (objective, module) = QuadraticProblem(centre, centre); // zero gradient at θ
        const double rho = 0.1;
        var options = new SharpnessOptions { Adaptive = false, SampleCount = 8, BatchSize = 8, L2Rho = rho, SamRho = rho, Seed = 1 };
        var values = Sharpness.Compute(objective, options);
        double expected = rho * rho * Spectrum.Max() / 2; // max over ‖δ‖ ≤ ρ of ½δᵀAδ
        double worst = Get(values, "sharpness_l2");
        Assert.True(worst <= expected * (1 + 1e-12) && worst >= 0.98 * expected, $"worst {worst} vs ρ²λmax/2 = {expected}");
        Assert.Equal(0.0, Get(values, "sharpness_sam"), 15); // g = 0: SAM does not move
        // Average case in closed form: E[uᵀAu/‖u‖²] = tr(A)/d, so ρ²·tr(A)/(2d); within four standard errors.
        var average = values.Single(v => v.Name == "sharpness_average_nonadaptive");
        double exactAverage = rho * rho * Spectrum.Sum() / (2 * Spectrum.Length);
        Assert.True(Math.Abs(average.Value!.Value - exactAverage) <= 4 * average.Spread!.Value, $"average {average.Value} ± {average.Spread} vs {exactAverage}");
        Assert.True(module.Theta.detach().eq(centre).all().ToBoolean(), "θ must be restored exactly");
    }

    [Fact]
    public void Worst_case_beats_one_step_sam_and_the_average_on_a_quadratic_off_its_minimum()
    {
        var centre = tensor(new[] { 0.5, -1, 2, 0.3, -0.7, 1.1 });
        var (objective, _) = QuadraticProblem(centre + 0.05, centre);
        var nonAdaptive = Sharpness.Compute(objective, new SharpnessOptions { Adaptive = false, SampleCount = 8, BatchSize = 8, L2Rho = 0.05, SamRho = 0.05 });
        Assert.True(Get(nonAdaptive, "sharpness_sam") > 0);
        Assert.True(Get(nonAdaptive, "sharpness_l2") >= Get(nonAdaptive, "sharpness_sam"));
        var adaptive = Sharpness.Compute(objective, new SharpnessOptions { SampleCount = 8, BatchSize = 8 });
        Assert.True(Get(adaptive, "sharpness_average") <= Get(adaptive, "sharpness_adaptive_l2"));
    }

    private static TorchSharp.Modules.Sequential Mlp(double scale)
    {
        torch.manual_seed(17);
        var model = Sequential(("fc1", Linear(3, 6)), ("relu", ReLU()), ("fc2", Linear(6, 3)));
        model.to(ScalarType.Float64);
        using var _ = no_grad();
        var fc1 = (TorchSharp.Modules.Linear)model[0];
        var fc2 = (TorchSharp.Modules.Linear)model[2];
        fc1.weight!.mul_(scale);
        fc1.bias!.mul_(scale);
        fc2.weight!.div_(scale);
        return model;
    }

    private static Batch[] MlpData()
    {
        var g = new Generator(6);
        return new[] { new Batch(randn(new long[] { 16, 3 }, dtype: ScalarType.Float64, generator: g), randint(0, 3, new long[] { 16 }, generator: g)) };
    }

    [Fact]
    public void Adaptive_sharpness_is_unchanged_by_rescaling_relu_layers_and_bounds_hold_on_a_network()
    {
        var options = new SharpnessOptions { SampleCount = 16, BatchSize = 8, Seed = 4 };
        var data = MlpData();
        var plainModel = Mlp(1);
        var before = ParameterSet.Of(plainModel).Flatten();
        var plain = Sharpness.Compute(plainModel, data, options);
        Assert.True(ParameterSet.Of(plainModel).Flatten().eq(before).all().ToBoolean(), "the weights must be restored exactly");
        var scaled = Sharpness.Compute(Mlp(4), data, options);
        foreach (var name in new[] { "sharpness_adaptive_linf", "sharpness_adaptive_l2", "sharpness_average" })
        {
            double a = Get(plain, name), b = Get(scaled, name);
            Assert.True(Math.Abs(a - b) <= 1e-9 * Math.Abs(a) + 1e-15, $"{name}: {a} vs {b} after rescaling");
            Assert.True(a > 0, $"{name} = {a}");
        }
        Assert.True(Get(plain, "sharpness_average") <= Get(plain, "sharpness_adaptive_l2"));
        var nonAdaptive = Sharpness.Compute(plainModel, data, options with { Adaptive = false, L2Rho = 0.05 });
        Assert.True(Get(nonAdaptive, "sharpness_l2") >= Get(nonAdaptive, "sharpness_sam"));
        // Cost bookkeeping: 2 batches × (1 + 1 one-step + 21 APGD evaluations) for each worst case.
        var l2 = plain.Single(v => v.Name == "sharpness_adaptive_l2");
        Assert.Equal(2 * 23, l2.ForwardPasses);
        Assert.Equal(2 * 22, l2.BackwardPasses);
        Assert.Equal("m-sharpness on n = 16 samples in 2 batches of m = 8", l2.Reason);
        // Asking for more samples than the data has uses what there is, and says so.
        var fewer = Sharpness.Compute(plainModel, data, options with { SampleCount = 1024 });
        Assert.All(fewer, v => Assert.Equal("m-sharpness on n = 16 samples in 2 batches of m = 8 (asked for 1024; the data had 16)", v.Reason));
        Assert.Equal(Get(plain, "sharpness_adaptive_l2"), Get(fewer, "sharpness_adaptive_l2"));
    }

    [Fact]
    public void A_batch_size_that_does_not_divide_the_samples_is_refused()
    {
        var error = Assert.Throws<LlaException>(() => Sharpness.Compute(Mlp(1), MlpData(), new SharpnessOptions { SampleCount = 16, BatchSize = 5 }));
        Assert.Contains("m = 5", error.Message);
    }

    [Fact]
    public void Apgd_checkpoints_follow_croce_and_hein()
    {
        // p = 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99 → ⌈20p⌉.
        Assert.Equal(new[] { 5, 9, 12, 14, 16, 18, 19, 20 }, Sharpness.Checkpoints(20).OrderBy(v => v).ToArray());
    }
}
