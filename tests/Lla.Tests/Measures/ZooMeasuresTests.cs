using Lla.Data;
using Lla.Measures;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Measures;

/// <summary>Every family on the zoo's convolutional networks: values come out, costs are counted, the model is left exactly as it was.</summary>
public class ZooMeasuresTests
{
    public ZooMeasuresTests() => TestTorch.Init();

    private static Tensor[] State(nn.Module model) =>
        model.named_parameters().Select(p => p.parameter.detach().clone())
            .Concat(model.named_buffers().Select(b => b.buffer.clone())).ToArray();

    public static IEnumerable<object[]> Models() => new[] { new object[] { "lenet" }, new object[] { "resnet20" } };

    [Theory]
    [MemberData(nameof(Models))]
    public void All_families_run_on_the_zoo_and_leave_the_model_unchanged(string name)
    {
        torch.manual_seed(3);
        nn.Module<Tensor, Tensor> model = name == "lenet" ? new LeNet() : new ResNet20();
        model.to(ScalarType.Float64);
        var g = new Generator(3);
        var inputs = name == "lenet" ? randn(new long[] { 8, 1, 28, 28 }, dtype: ScalarType.Float64, generator: g)
                                     : randn(new long[] { 8, 3, 16, 16 }, dtype: ScalarType.Float64, generator: g);
        var batches = new[] { new Batch(inputs, randint(0, 10, new long[] { 8 }, generator: g)) };
        model.train(); // sharpness runs in the caller's mode: train-mode BatchNorm must not keep its statistic updates
        var before = State(model);

        var values = new List<MeasureValue>();
        values.AddRange(MarginAndNorms.Compute(model, batches));
        values.AddRange(WeightSpectra.Compute(model));
        values.AddRange(Confidence.Compute(model, batches, new ConfidenceOptions { Validation = batches }));
        values.AddRange(Sharpness.Compute(model, batches, new SharpnessOptions { SampleCount = 8, BatchSize = 4, Steps = 3, AverageDraws = 2 }));
        values.AddRange(Flatness.Compute(model, batches, new FlatnessOptions { PacBayes = new PacBayesOptions { Draws = 2, Halvings = 3 } }));
        values.AddRange(Representations.Compute(model, batches));
        values.AddRange(NuclearNorm.Compute(model, batches));
        values.AddRange(MaNo.Compute(model, batches));

        var after = State(model);
        Assert.True(before.Zip(after).All(p => p.First.eq(p.Second).all().ToBoolean()), "parameters and buffers must be restored exactly");
        Assert.True(model.training, "the model's mode must be restored");
        Assert.Equal(values.Count, values.Select(v => v.Name).Distinct().Count());
        foreach (var v in values)
        {
            if (v.Name is "dist_init" or "pacbayes_bound" or "pacbayes_mag_bound") { Assert.Null(v.Value); Assert.NotNull(v.Reason); continue; }
            if (v.Value is null) { Assert.NotNull(v.Reason); continue; }
            Assert.True(double.IsFinite(v.Value.Value), $"{v.Name} = {v.Value}");
        }
        Assert.NotNull(values.Single(v => v.Name == "log_spec_prod").Value); // every convolution was traced
        Assert.All(values.Where(v => v.Family == SharpnessFamily.Instance), v => Assert.True(v.BackwardPasses > 0));
        Assert.NotEmpty(values.Single(v => v.Name == "ww_alpha").Layers!);
    }
}
