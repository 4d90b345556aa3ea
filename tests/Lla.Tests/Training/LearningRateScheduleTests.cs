using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>nanoGPT's warm-up and cosine decay at fixed steps against the closed form, and clipping by global norm (PyTorch's clip_grad_norm_).</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void Warm_up_then_cosine_decay_at_fixed_steps()
    {
        // lr 1, min 0.1, W = 4 warm-up steps, S = 14 steps: warm-up (t + 1)/5, then 0.1 + 0.45·(1 + cos(π(t − 4)/10)).
        var s = new LearningRateSchedule(ScheduleKind.Cosine, 1.0, 0.1, 4, 14);
        Assert.Equal(0.2, s.At(0), 15);
        Assert.Equal(0.4, s.At(1), 15);
        Assert.Equal(0.8, s.At(3), 15);
        Assert.Equal(1.0, s.At(4), 15);                                     // the peak when the warm-up ends
        Assert.Equal(0.55, s.At(9), 15);                                    // half way: cos(π/2) = 0
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(0.2 * Math.PI)), s.At(6), 15);
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(0.9 * Math.PI)), s.At(13), 15); // the run's last step, just above min
        Assert.Equal(0.1, s.At(14), 15);                                    // min one step after the run
        Assert.Equal(0.1, s.At(100), 15);
        for (int t = 4; t < 14; t++) Assert.True(s.At(t + 1) < s.At(t), $"not decreasing at {t}");
    }

    [Fact]
    public void A_constant_schedule_warms_up_and_then_holds_the_rate()
    {
        var s = new LearningRateSchedule(ScheduleKind.Constant, 0.003, 0, 2, 10);
        Assert.Equal(0.001, s.At(0), 15);
        Assert.Equal(0.002, s.At(1), 15);
        Assert.Equal(0.003, s.At(2));
        Assert.Equal(0.003, s.At(9));
        Assert.False(s.IsConstant);
        Assert.True((s with { WarmupSteps = 0 }).IsConstant);
        Assert.Equal(0.003, (s with { WarmupSteps = 0 }).At(0));
        // Without warm-up the cosine starts at the peak.
        Assert.Equal(0.003, new LearningRateSchedule(ScheduleKind.Cosine, 0.003, 0, 0, 10).At(0));
    }

    [Fact]
    public void The_run_counts_its_steps_over_every_epoch_and_refuses_a_warm_up_as_long()
    {
        var options = new TrainOptions { Epochs = 3, BatchSize = 10, WarmupSteps = 5, Schedule = ScheduleKind.Cosine };
        Assert.Equal(5, Trainer.StepsPerEpoch(41, 10));                    // the last batch of one
        Assert.Equal(15, Trainer.Schedule(options, 41).TotalSteps);
        var refused = Assert.Throws<LlaException>(() => Trainer.Schedule(options with { WarmupSteps = 15 }, 41));
        Assert.Contains("{warmup-steps} 15 is not shorter than the run: {epochs} 3 of 5 steps (41 samples in batches of 10) make 15", refused.Template);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "lr=-1", "{lr} must be positive (got -1)" },
        { "clip=NaN", "{clip-grad-norm} must be a positive number, or 0 for no clipping (got NaN)" },
        { "clip=-1", "{clip-grad-norm} must be a positive number, or 0 for no clipping (got -1)" },
        { "clip=Infinity", "{clip-grad-norm} must be a positive number" },
        { "warmup=-1", "{warmup-steps} must not be negative (got -1)" },
        { "min=0.5", "{min-lr} must be at least 0 and at most {lr} 0.1 (got 0.5)" },
        { "min=NaN", "{min-lr} must be at least 0" },
        { "constant-min=0.01", "{min-lr} is where {schedule} cosine decays to" },
        { "beta2=1", "{beta2} must be at least 0 and below 1 (got 1)" },
        { "beta1=-0.1", "{beta1} must be at least 0 and below 1" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Settings_that_cannot_make_a_training_are_refused(string setting, string expected)
    {
        var o = new TrainOptions { LearningRate = 0.1, Schedule = ScheduleKind.Cosine, Optimizer = OptimizerKind.AdamW };
        string[] kv = setting.Split('=');
        double v = double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
        o = kv[0] switch
        {
            "lr" => o with { LearningRate = v },
            "clip" => o with { ClipGradNorm = v },
            "warmup" => o with { WarmupSteps = (int)v },
            "min" => o with { MinLearningRate = v },
            "constant-min" => o with { MinLearningRate = v, Schedule = ScheduleKind.Constant },
            "beta1" => o with { Beta1 = v },
            "beta2" => o with { Beta2 = v },
            _ => throw new ArgumentException(setting),
        };
        Assert.Equal(expected, Assert.Throws<LlaException>(() => Trainer.ValidateSettings(o)).Template[..expected.Length]);
    }

    private static Tensor[] Gradients(params double[][] gradients) => gradients.Select(g =>
    {
        var p = zeros(g.Length, dtype: ScalarType.Float64).requires_grad_();
        p.sum().backward();
        using (no_grad()) p.grad!.copy_(tensor(g, dtype: ScalarType.Float64));
        return p;
    }).ToArray();

    private static double Norm(IEnumerable<Tensor> parameters) => Math.Sqrt(parameters.Sum(p => p.grad!.square().sum().ToDouble()));

    [Fact]
    public void Clipping_scales_the_whole_gradient_to_the_norm_and_returns_the_norm_before()
    {
        TestTorch.Init();
        var p = Gradients(new[] { 3.0, 4.0 }, new[] { 12.0 });             // ‖g‖ = 13
        Assert.Equal(13.0, GradientClipping.ClipByGlobalNorm(p, 6.5), 14);
        double c = 1.0 / (13.0 + 1e-6) * 6.5;                               // PyTorch's max/(N + 1e-6)
        Assert.Equal(new[] { 3 * c, 4 * c }, p[0].grad!.data<double>().ToArray());
        Assert.Equal(new[] { 12 * c }, p[1].grad!.data<double>().ToArray());
        Assert.Equal(6.5, Norm(p), 6);                                      // the norm, to PyTorch's 1e-6
        Assert.Equal(6.5 * 13 / (13 + 1e-6), Norm(p), 14);                  // exactly PyTorch's norm after clipping

        var small = Gradients(new[] { 3.0, 4.0 }, new[] { 12.0 });
        Assert.Equal(13.0, GradientClipping.ClipByGlobalNorm(small, 20), 14);
        Assert.Equal(new[] { 3.0, 4.0 }, small[0].grad!.data<double>().ToArray()); // below the norm: untouched
        Assert.Equal(new[] { 12.0 }, small[1].grad!.data<double>().ToArray());
        Assert.Throws<LlaException>(() => GradientClipping.ClipByGlobalNorm(small, double.NaN));
    }
}
