using Lla.Data;
using Lla.Curvature;
using Lla.Measures;
using Lla.Objectives;
using Lla.Studies;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Studies;

/// <summary>The sharpness family in a study: the same numbers as <see cref="Sharpness"/> on exactly each analysed batch, seeded per batch.</summary>
public class StudySharpnessTests
{
    public StudySharpnessTests() => TestTorch.Init();

    [Theory]
    [InlineData(256, 256, 128)]
    [InlineData(100, 100, 100)]
    [InlineData(300, 256, 128)]
    [InlineData(131, 128, 128)]
    [InlineData(7, 7, 7)]
    [InlineData(1024, 1024, 128)]
    public void The_study_uses_m_128_over_the_whole_batches_of_128_it_holds(int samples, int used, int m) =>
        Assert.Equal((used, m), StudyMeasuring.SharpnessSamples(samples));

    [Fact]
    public void Each_batch_gets_the_sharpness_of_exactly_its_samples_with_its_own_seed()
    {
        torch.manual_seed(3);
        var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 3)));
        model.to(ScalarType.Float64);
        var g = new Generator(11);
        var batches = Enumerable.Range(0, 2).Select(_ => new Batch(randn(new long[] { 12, 4 }, dtype: ScalarType.Float64, generator: g), randint(0, 3, new long[] { 12 }, generator: g))).ToArray();
        var analysis = new StudyAnalysis(12, 2, 1, 5, 0.5, -0.6, 100, 9);
        string[] asked = { "sharpness_sam", "sharpness_adaptive_l2", "sharpness_average", "batch_accuracy" };
        var (values, seconds, _) = StudyMeasuring.Compute(model, LossFunctions.CrossEntropy, batches, analysis, asked, new StudyMeasureInputs(null, null), _ => { }, "test");

        for (int b = 0; b < batches.Length; b++)
        {
            var expected = Sharpness.Compute(model, new[] { batches[b] }, new SharpnessOptions { SampleCount = 12, BatchSize = 12, Seed = 9 * 1000 + 700 + b });
            foreach (string name in new[] { "sharpness_sam", "sharpness_adaptive_l2", "sharpness_average" })
                Assert.Equal(expected.Single(v => v.Name == name).Value!.Value, values[name][b].Single()!.Value, 12);
        }
        Assert.NotEqual(values["sharpness_average"][0].Single(), values["sharpness_average"][1].Single());
        Assert.All(asked, m => Assert.True(seconds[m] > 0, m));
        Assert.False(StudyMeasures.Default.Contains("sharpness_sam"), "sharpness is asked for by name, not a default");
        Assert.True(StudyMeasures.NeedsLabels("sharpness_sam"));
    }

    [Fact]
    public void The_zoo_preset_asks_for_the_sharpness_family_beside_every_default_measure()
    {
        var zoo = StudyConfig.Load(Path.Combine(Paths.Root, "src", "Lla.Cli", "Presets", "zoo.json"));
        Assert.All(StudyMeasures.Default, m => Assert.Contains(m, zoo.Measured));
        Assert.All(SharpnessFamily.Instance.Measures, m => Assert.Contains(m.Name, zoo.Measured));
    }
}
