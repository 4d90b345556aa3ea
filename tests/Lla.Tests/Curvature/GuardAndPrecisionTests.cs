using Lla.Guard;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

public class GuardAndPrecisionTests
{
    public GuardAndPrecisionTests() => TestTorch.Init();

    private static (LeNet Model, Batch Batch) EmbeddedLeNet(int samples)
    {
        var model = new LeNet();
        WeightsLoader.Load(model, Paths.EmbeddedWeights);
        model.eval();
        using var train = IdxDataset.Load(Paths.EmbeddedData, Split.Train);
        var batch = train.Batches(samples, 1, false, 0)[0];
        return (model, new Batch(batch.Inputs.clone(), batch.Targets.clone()));
    }

    private static LeNet Float64Twin(LeNet model)
    {
        var twin = new LeNet();
        twin.load_state_dict(model.state_dict());
        twin.to(ScalarType.Float64);
        twin.eval();
        return twin;
    }

    [Fact]
    public void Guard_passes_the_embedded_lenet_and_fails_when_the_twin_holds_other_weights()
    {
        var (model, batch) = EmbeddedLeNet(64);
        var report = NumericGuard.Check(model, Float64Twin(model), LossFunctions.CrossEntropy, batch, GuardProbe.Analysis());
        Assert.True(report.Passed, report.Finding);
        // A stand-in for a wrong float32 result: the reference sees different conv1 weights, so every product differs by far more than rounding.
        var twin = Float64Twin(model);
        using (no_grad()) twin.named_parameters().First(p => p.name == "conv1.weight").parameter.mul_(1.3);
        var wrong = NumericGuard.Check(model, twin, LossFunctions.CrossEntropy, batch, GuardProbe.Analysis());
        Assert.False(wrong.Passed);
        Assert.True(wrong.Verdict.WorstRatio > 10 * RoundingFloor.Factor, wrong.Finding);
    }

    [Fact]
    public void Policy_off_checks_that_path_and_scopes_the_switch_to_the_work()
    {
        var (model, batch) = EmbeddedLeNet(64);
        using (TorchContext.OneDnnScope(true))
        {
            var decision = OneDnnPolicy.Decide(OneDnnSetting.Off, model, () => Float64Twin(model), LossFunctions.CrossEntropy, batch, GuardProbe.Training, repeats: 2);
            Assert.False(decision.OneDnnForBackward);
            Assert.True(decision.Guard!.Passed);
            Assert.False(decision.Guard.OneDnn);
            Assert.True(TorchContext.OneDnn); // deciding leaves the switch as it was
            using (decision.Scope()) Assert.False(TorchContext.OneDnn); // the work runs as decided
            Assert.True(TorchContext.OneDnn);
        }
    }

    [Fact]
    public void Float32_top_eigenvalue_of_the_embedded_lenet_matches_float64()
    {
        var (model, batch) = EmbeddedLeNet(512);
        var twin = Float64Twin(model);
        var options = new LanczosOptions { K = 1, Tolerance = 1e-6, Seed = 3 };
        var op32 = new HessianOperator(new Objective(model, LossFunctions.CrossEntropy, new[] { batch }), ParameterSet.Of(model));
        var batch64 = new Batch(batch.Inputs.to(ScalarType.Float64), batch.Targets);
        var op64 = new HessianOperator(new Objective(twin, LossFunctions.CrossEntropy, new[] { batch64 }), ParameterSet.Of(twin));
        double l32 = Lanczos.TopEigenpairs(op32, options).Values[0];
        double l64 = Lanczos.TopEigenpairs(op64, options).Values[0];
        Assert.True(Math.Abs(l32 - l64) <= 1e-4 * Math.Abs(l64), $"float32 {l32} vs float64 {l64}");
    }
}
