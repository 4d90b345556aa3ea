using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Studies;

namespace Lla.Tests.Studies;

public class StudyOutcomeTests
{
    private static StudyConfig Config(params string[] models) => StudyConfig.Parse(JsonNode.Parse($$"""
        { "shifts": ["noise:1", "blur:2", "contrast:3"], "analysis": { "bootstrap": 500 },
          "models": [ {{string.Join(",", models)}} ] }
        """), "test");

    /// <summary>One batch, one run: λmax = 1, λmin = −re, so Ct = −re.</summary>
    private static StudyMeasurement M(string model, string dataset, double accuracy, double re, double kh) =>
        new(model, dataset, accuracy, 1 - accuracy, new[] { new[] { new RunCriteria(-re, 1, re, kh, -re, null) } }, -0.6, 10, 0.1);

    private static readonly string[] Datasets = { "train", "test", "noise:1", "blur:2", "contrast:3" };

    /// <summary>A model whose accuracy drops by drop[d] on dataset d and whose criteria rise by slope·drop (plus a wobble).</summary>
    private static IEnumerable<StudyMeasurement> Model(string name, double baseRe, double slope, double[] drops) =>
        Datasets.Select((d, i) => M(name, d, 0.9 - drops[i], baseRe + slope * drops[i] + 0.001 * (i % 2), 0.3 + slope * drops[i]));

    [Fact]
    public void Criteria_that_grow_as_accuracy_falls_make_the_claim_hold()
    {
        var config = Config("""{"name":"a","model":"mlp"}""", """{"name":"b","model":"mlp"}""", """{"name":"c","model":"lenet"}""",
            """{"name":"d","model":"lenet"}""", """{"name":"e","model":"lenet"}""");
        var drops = new[] { 0, 0.02, 0.1, 0.2, 0.4 };
        var measurements = new[] { "a", "b", "c", "d", "e" }.SelectMany((n, k) => Model(n, 0.05 * (k + 1), 0.3 + 0.1 * k, drops.Select(x => x * (1 + 0.1 * k)).ToArray())).ToList();
        var outcome = StudyOutcome.Analyse(config, measurements);
        var re = outcome.Correlations.Single(c => c.Criterion == "re" && c.Group == StudyOutcome.MpGroup);
        Assert.Equal("held", re.Verdict);
        Assert.Equal((20, 5), (re.Spearman.Points, re.Spearman.Groups));
        Assert.True(re.Spearman.Value < -0.9 && re.Pearson.Value < -0.9);
        Assert.Contains(outcome.Findings, f => f.StartsWith("The claim held for re", StringComparison.Ordinal));
        var row = outcome.Rows.Single(r => r.Model == "a" && r.Dataset == "contrast:3");
        Assert.Equal(-0.4, row.DeltaAccuracy!.Value, 12);
        Assert.Equal(0.3 * 0.4, row.DeltaRe!.Value, 12);
        Assert.Null(outcome.Rows.Single(r => r.Model == "a" && r.Dataset == "train").DeltaAccuracy);
        Assert.All(outcome.WithinModel.Where(w => w.Criterion == "Kh"), w => Assert.Equal(-1, w.Spearman, 12));
    }

    [Fact]
    public void Criteria_that_grow_with_accuracy_contradict_it_and_MN_and_reference_models_stay_out_of_the_MP_group()
    {
        var config = Config("""{"name":"a","model":"mlp"}""", """{"name":"b","model":"mlp"}""", """{"name":"c","model":"mlp"}""",
            """{"name":"mn","model":"mlp","gradient":"clip-norm:0.001"}""", """{"name":"init","model":"mlp","epochs":0}""");
        var drops = new[] { 0, 0.05, 0.1, 0.2, 0.3 };
        var measurements = new[] { "a", "b", "c" }.SelectMany(n => Model(n, 0.1, -0.2, drops)).ToList();
        measurements.AddRange(Model("mn", 0.9, 0.5, drops));        // Ct = −0.9: MN
        measurements.AddRange(Model("init", 0.95, 0, drops));
        var outcome = StudyOutcome.Analyse(config, measurements);
        var mp = outcome.Correlations.Single(c => c.Criterion == "re" && c.Group == StudyOutcome.MpGroup);
        Assert.Equal("contradicted", mp.Verdict);
        Assert.Equal(3, mp.Spearman.Groups);
        var all = outcome.Correlations.Single(c => c.Criterion == "re" && c.Group == StudyOutcome.AllGroup);
        Assert.Equal(4, all.Spearman.Groups);
        Assert.Equal("MN", outcome.Types.Single(t => t.Model == "mn").HesdType);
        Assert.True(outcome.Types.Single(t => t.Model == "init").Reference);
        Assert.DoesNotContain(outcome.WithinModel, w => w.Model == "init");
        Assert.Contains(outcome.Findings, f => f.Contains("1 of 1 were MN"));
        Assert.Contains(outcome.Findings, f => f.StartsWith("Caution", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_few_models_is_not_testable_and_a_missing_measurement_is_an_error()
    {
        var config = Config("""{"name":"a","model":"mlp"}""");
        var outcome = StudyOutcome.Analyse(config, Model("a", 0.1, 0.3, new[] { 0, 0.1, 0.2, 0.3, 0.4 }).ToList());
        Assert.All(outcome.Correlations, c => Assert.Equal("not testable", c.Verdict));
        var e = Assert.Throws<LlaException>(() => StudyOutcome.Analyse(config, Model("a", 0.1, 0.3, new[] { 0, 0.1, 0.2, 0.3, 0.4 }).Take(4).ToList()));
        Assert.Contains("no measurement of model a on contrast:3", e.Message);
    }

    [Fact]
    public void Spread_over_runs_and_batches_is_computed_as_documented()
    {
        // Two batches × two runs: values {1, 3} and {5, 9}. Mean 4.5; within-batch variances 2 and 8 → √5;
        // batch means 2 and 7 → sample std √12.5.
        var s = CriterionSpread.Of(new[] { new double?[] { 1, 3 }, new double?[] { 5, 9 } });
        Assert.Equal(4.5, s.Mean!.Value, 12);
        Assert.Equal(Math.Sqrt(5), s.StdOverRuns!.Value, 12);
        Assert.Equal(Math.Sqrt(12.5), s.StdOverBatches!.Value, 12);
        var one = CriterionSpread.Of(new[] { new double?[] { 2 } });
        Assert.Equal((2.0, (double?)null, (double?)null), (one.Mean!.Value, one.StdOverRuns, one.StdOverBatches));
        Assert.Null(CriterionSpread.Of(new[] { new double?[] { 2, null } }).Mean);
    }

    [Fact]
    public void A_measurement_survives_its_json_line()
    {
        var m = new StudyMeasurement("a", "noise:1", 0.8, 0.5,
            new[] { new[] { new RunCriteria(-0.2, 4, 0.05, 0.3, -0.05, null), new RunCriteria(0, 0, null, null, 0, "λmax = 0") } }, -0.6, 40, 1.5);
        var back = StudyMeasurement.FromJsonLine(m.ToJsonLine());
        Assert.Equal(m.ToJsonLine(), back.ToJsonLine());
        Assert.Equal("undefined", back.HesdType);
    }
}
