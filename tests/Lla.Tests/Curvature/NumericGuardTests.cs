using Lla.Guard;
using Lla.Curvature;
using Lla.Data;
using Lla.Native;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Curvature;

/// <summary>
/// The numeric guard against the known oneDNN fault, injected: a convolution whose weight gradient is
/// wrong by 30% or NaN on 1 of the guard's 30 float32 evaluations. The guard must refuse it with oneDNN
/// on, and pass the same network without the fault.
/// </summary>
public class NumericGuardTests
{
    public NumericGuardTests() => TestTorch.Init();

    private static (FaultyConvNet Model, Batch Batch) Network(BatchNormMode mode = BatchNormMode.Train)
    {
        manual_seed(5);
        var model = new FaultyConvNet();
        AnalysisMode.Set(model, mode);
        using var train = IdxDataset.Load(Paths.EmbeddedData, Split.Train);
        var batch = train.Batches(64, 1, false, 0)[0];
        return (model, new Batch(batch.Inputs.clone(), batch.Targets.clone()));
    }

    private static GuardReport Check(FaultyConvNet model, Batch batch, GuardProbe probe)
    {
        using var twin = model.Float64Twin();
        return NumericGuard.Check(model, twin, LossFunctions.CrossEntropy, batch, probe);
    }

    [Fact]
    public void The_network_without_a_fault_passes_with_oneDNN_on_and_off()
    {
        var (model, batch) = Network();
        foreach (bool oneDnn in new[] { true, false })
            using (TorchContext.OneDnnScope(oneDnn))
                foreach (var probe in new[] { GuardProbe.Analysis(), GuardProbe.Training })
                {
                    var report = Check(model, batch, probe);
                    Assert.True(report.Passed, $"oneDNN {oneDnn}, {probe.Use}: {report.Finding}");
                    Assert.Equal(NumericGuard.DefaultRepeats, report.Repeats);
                    Assert.Equal(oneDnn, report.OneDnn);
                }
    }

    [Theory]
    [InlineData(1.3, 17)]
    [InlineData(0.7, 29)]
    [InlineData(double.NaN, 4)]
    public void A_convolution_weight_gradient_wrong_on_1_of_30_evaluations_is_refused_with_oneDNN_on(double factor, int faulty)
    {
        var (model, batch) = Network();
        foreach (var probe in new[] { GuardProbe.Analysis(), GuardProbe.Training })
        {
            int start = model.Calls;
            // Only the float32 model's evaluations count: the fault hits exactly one of the guard's 30.
            model.Fault = call => call - start == faulty ? factor : 1;
            using var on = TorchContext.OneDnnScope(true);
            var report = Check(model, batch, probe);
            Assert.Equal(start + NumericGuard.DefaultRepeats, model.Calls);
            Assert.False(report.Passed);
            Assert.Contains("conv1.weight", report.Verdict.WorstEntry);
            Assert.True(report.Verdict.WorstRatio > 10 * RoundingFloor.Factor, report.Finding);
            model.Fault = null;
        }
    }

    [Fact]
    public void With_oneDNN_set_on_a_faulty_evaluation_is_refused_before_the_work_naming_the_quantity_and_the_floor()
    {
        var (model, batch) = Network();
        int start = model.Calls;
        model.Fault = call => call - start == 11 ? 1.3 : 1;
        using var restore = TorchContext.OneDnnScope(TorchContext.OneDnn);
        var e = Assert.Throws<NumericGuardException>(() =>
            OneDnnPolicy.Decide(OneDnnSetting.On, model, () => model.Float64Twin(), LossFunctions.CrossEntropy, batch, GuardProbe.Analysis()));
        string message = e.Render(s => "--" + s);
        Assert.Contains("the numeric guard failed with --onednn on before the analysis", message);
        Assert.Contains("Hessian-vector product in conv1.weight: relative error", message);
        Assert.Contains("its float32 rounding floor", message);
        Assert.Contains("the work did not start; use --dtype float64 or --onednn auto", message);
    }

    [Fact]
    public void Auto_falls_back_to_oneDNN_off_when_only_oneDNN_is_faulty()
    {
        var (model, batch) = Network();
        model.Fault = _ => TorchContext.OneDnn ? double.NaN : 1; // wrong under oneDNN only, as the known fault
        using var restore = TorchContext.OneDnnScope(TorchContext.OneDnn);
        var decision = OneDnnPolicy.Decide(OneDnnSetting.Auto, model, () => model.Float64Twin(), LossFunctions.CrossEntropy, batch, GuardProbe.Analysis());
        Assert.False(decision.OneDnnForBackward);
        Assert.False(decision.Guard!.Passed);
        Assert.True(double.IsPositiveInfinity(decision.Guard.Verdict.WorstRatio));
        Assert.Contains("conv1.weight", decision.Guard.Verdict.WorstEntry);
        Assert.True(decision.FallbackGuard!.Passed);
        Assert.Contains("backward passes run without oneDNN", decision.Reason);
        Assert.Contains("oneDNN off for backward passes", decision.Summary());
    }

    [Fact]
    public void The_model_is_checked_in_its_twins_modes_and_left_as_it_was()
    {
        // A training ends in eval mode (its last evaluation); the guard after it checks the training's mode, the twin's.
        var (model, batch) = Network(BatchNormMode.Eval);
        using (no_grad()) model.named_buffers().First(b => b.name.EndsWith("running_var")).buffer.mul_(3); // eval ≠ train
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var twin = model.Float64Twin();
        AnalysisMode.Set(twin, BatchNormMode.Train);
        // oneDNN off: this test is about modes, and oneDNN's real, intermittent fault once failed it (279× in conv1.weight).
        GuardReport report;
        using (TorchContext.OneDnnScope(false)) report = NumericGuard.Check(model, twin, LossFunctions.CrossEntropy, batch, GuardProbe.Training);
        Assert.True(report.Passed, report.Finding);
        Assert.All(model.modules(), m => Assert.False(m.training));
        Assert.False(model.training);
        foreach (var (name, value) in model.state_dict()) Assert.True(value.eq(before[name]).all().item<bool>(), $"{name} changed");
    }

    [Fact]
    public void The_recorded_check_names_what_was_checked_the_floor_and_the_ratio()
    {
        var (model, batch) = Network();
        using var twin = model.Float64Twin();
        var decision = OneDnnPolicy.Decide(OneDnnSetting.Off, model, () => model.Float64Twin(), LossFunctions.CrossEntropy, batch, GuardProbe.Analysis());
        var record = Lla.Runs.HessianRecords.Guard(decision);
        var check = record.Guard!;
        Assert.Equal("the loss and Hessian-vector products along 3 seeded random unit vectors", check.Checked);
        Assert.True(check.Floor >= check.FloorLowerBound && check.FloorLowerBound > 0);
        Assert.InRange(check.WorstRatio, 0, check.Factor);
        Assert.Equal(check.MaxRelativeError / check.Floor, check.WorstRatio, 9);
        Assert.StartsWith("The numeric guard compared float32 with float64 in the loss and Hessian-vector products", record.Summary);
        Assert.DoesNotContain("\n", record.Summary);
    }
}
