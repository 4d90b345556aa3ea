using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Studies;
using Lla.Tests.Support;
using Lla.Training;
using static TorchSharp.torch;

namespace Lla.Tests.Studies;

/// <summary>A study config's measures and axes, the zoo preset, and label noise: what is accepted, what is refused with one line.</summary>
public class StudyMeasuresConfigTests
{
    private static StudyConfig Parse(string json) => StudyConfig.Parse(JsonNode.Parse(json), "test.json");

    private const string Two = "{ \"models\": [ { \"name\": \"a\", \"model\": \"mlp\", \"lr\": 0.001, \"seed\": 1 }, "
        + "{ \"name\": \"b\", \"model\": \"mlp\", \"lr\": 0.003, \"seed\": 1, \"label_noise\": 0.2, \"weight_decay\": 0.0005 } ]";

    [Fact]
    public void Without_a_measures_list_a_study_measures_the_criteria_the_baselines_and_the_cheap_families()
    {
        var config = Parse(Two + "}");
        foreach (var m in new[] { "re", "kh", "ct", "lambda_max", "trace", "batch_accuracy", "batch_loss", "margin", "param_norm", "ww_alpha", "atc_accuracy", "doc_accuracy", "re_predicted", "kh_predicted" })
            Assert.Contains(m, config.Measured);
        Assert.Empty(config.AxesOrNone);
        Assert.False(StudyMeasures.NeedsLabels("atc_accuracy"));
        Assert.True(StudyMeasures.NeedsLabels("batch_accuracy"));
        Assert.Contains("ww_alpha", StudyMeasures.DataFree);
        Assert.Equal(-1, StudyMeasures.Meaning("batch_accuracy").Direction);
        // Ct = −re whenever λmin < 0: it must point the other way from re.
        Assert.Equal(-StudyMeasures.Meaning("re").Direction, StudyMeasures.Meaning("ct").Direction);
    }

    [Fact]
    public void Measures_axes_weight_decay_and_label_noise_read_back_from_the_written_form()
    {
        var config = Parse(Two + """, "measures": ["re", "batch_accuracy"], "axes": ["lr", "label_noise", "weight_decay"] }""");
        var again = StudyConfig.Parse(JsonNode.Parse(config.ToJson().ToJsonString()), "again");
        Assert.True(JsonNode.DeepEquals(config.ToJson(), again.ToJson()));
        Assert.Equal(new[] { "re", "batch_accuracy" }, again.Measured);
        Assert.Equal(new[] { "lr", "label_noise", "weight_decay" }, again.AxesOrNone);
        Assert.Equal(0.2, again.Models[1].LabelNoise);
        Assert.Equal(0.0005, again.Models[1].WeightDecay);
        Assert.Contains("20 % label noise", again.Models[1].Recipe.Replace("20%", "20 %"));
    }

    [Theory]
    [InlineData(""", "measures": ["re", "sharpness_of_soul"] }""", "test.json: unknown measure 'sharpness_of_soul' in 'measures'")]
    [InlineData(""", "measures": ["re", "re"] }""", "measure 're' is listed twice")]
    [InlineData(""", "measures": [] }""", "'measures' names no measure")]
    [InlineData(""", "axes": ["seed"] }""", "axis 'seed' does not vary across the trained models (all 1): drop it from 'axes'")]
    [InlineData(""", "axes": ["height"] }""", "unknown axis 'height' in 'axes'")]
    [InlineData(""", "axes": "lr" }""", "'axes' must be a list of names")]
    public void A_config_with_an_unknown_measure_or_an_axis_that_does_not_vary_is_refused_in_one_line(string tail, string message)
    {
        var e = Assert.Throws<LlaException>(() => Parse(Two + tail));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_zoo_preset_is_a_factorial_of_32_lenets_over_five_axes_plus_two_batchnorm_resnets_on_the_model_axis()
    {
        var zoo = StudyConfig.Load(Path.Combine(Paths.Root, "src", "Lla.Cli", "Presets", "zoo.json"));
        var trained = zoo.Models.Where(m => !m.IsReference).ToList();
        var lenets = trained.Where(m => m.Architecture == "lenet").ToList();
        Assert.Equal(32, lenets.Count);
        Assert.Equal("model", zoo.AxesOrNone[0]);
        var others = zoo.AxesOrNone.Skip(1).ToList();
        Assert.Equal(5, others.Count);
        foreach (var axis in others) Assert.Equal(2, lenets.Select(m => m.AxisValue(axis)).Distinct().Count());
        // The LeNets are a full factorial: every combination of the five axes' values once.
        Assert.Equal(32, lenets.Select(m => string.Join("|", others.Select(m.AxisValue))).Distinct().Count());
        // Each BatchNorm ResNet-20 differs from one LeNet in the architecture only (issue 24: BatchNorm networks in the leaderboards).
        var resnets = trained.Where(m => m.Architecture == "resnet20").ToList();
        Assert.Equal(2, resnets.Count);
        foreach (var r in resnets)
            Assert.Single(lenets, l => others.All(axis => l.AxisValue(axis) == r.AxisValue(axis)));
        Assert.Equal(trained.Count, trained.Select(m => string.Join("|", zoo.AxesOrNone.Select(m.AxisValue))).Distinct().Count());
        Assert.Equal(4, zoo.Shifts.Count);
        Assert.Equal((256, 1, 1, 40), (zoo.Analysis.BatchSize, zoo.Analysis.Batches, zoo.Analysis.SlqRuns, zoo.Analysis.LanczosSteps));
        Assert.All(resnets, r => Assert.Equal((128, 30), (r.AnalysisFor(zoo.Analysis).BatchSize, r.AnalysisFor(zoo.Analysis).LanczosSteps)));
        // The README's zoo numbers were measured on the LeNets alone: that config is kept, the same models.
        var measured = StudyConfig.Load(Path.Combine(Paths.Root, "examples", "zoo-lenets.json"));
        Assert.Equal(lenets.Select(m => m.Name), measured.Models.Select(m => m.Name));
    }

    [Fact]
    public void Label_noise_replaces_the_chosen_share_of_labels_with_seeded_random_classes()
    {
        const int n = 1000, classes = 10;
        using var data = new Dataset(zeros(n, 3), arange(n, dtype: ScalarType.Int64) % classes, "toy", classes);
        using var a = LabelNoise.Apply(data, 0.3, 5);
        using var b = LabelNoise.Apply(data, 0.3, 5);
        using var c = LabelNoise.Apply(data, 0.3, 6);
        var clean = data.Labels.data<long>().ToArray();
        var noisyA = a.Labels.data<long>().ToArray();
        Assert.Equal(noisyA, b.Labels.data<long>().ToArray());            // same seed, same labels
        Assert.NotEqual(noisyA, c.Labels.data<long>().ToArray());         // another seed, other labels
        int changed = clean.Zip(noisyA).Count(p => p.First != p.Second);
        // 300 labels redrawn uniformly over 10 classes: 270 change on average (binomial sd ≈ 5.2); 6 sd either side.
        Assert.InRange(changed, 239, 300);
        Assert.All(noisyA, l => Assert.InRange(l, 0, classes - 1));
        using var none = LabelNoise.Apply(data, 0, 5);
        Assert.Equal(clean, none.Labels.data<long>().ToArray());
    }
}
