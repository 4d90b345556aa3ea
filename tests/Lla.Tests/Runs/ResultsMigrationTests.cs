using System.Text.Json.Nodes;
using Lla.Connectivity;
using Lla.Curvature;
using Lla.Runs;
using Lla.Studies;
using Lla.Tests.Reports;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>Schema 3 on reading older files: the figure list leaves results.json, and every conclusion a page states is added, computed by the library.</summary>
public class ResultsMigrationTests
{
    /// <summary>A schema-2 file: the full record without its stored conclusions, with the renderer's old figure list.</summary>
    private static JsonObject SchemaTwo()
    {
        var node = ResultsSerializer.ToNode(FullResults.Every());
        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o) { o.Remove("meaning"); o.Remove("verdict"); foreach (var (_, child) in o.ToList()) Strip(child); }
            else if (n is JsonArray a) foreach (var child in a) Strip(child);
        }
        Strip(node);
        node["schema_version"] = 2;
        node["figures"] = new JsonArray("esd.png");
        return node;
    }

    [Fact]
    public void A_schema_2_file_gets_the_conclusions_of_the_library_and_loses_its_figure_list()
    {
        var old = SchemaTwo();
        var upgraded = ResultsMigration.UpgradeRun(old);
        Assert.Equal(2, ResultsMigration.VersionOf(old)); // upgraded in memory: the file's own node is untouched
        Assert.True(old.ContainsKey("figures"));
        Assert.False(upgraded.ContainsKey("figures"));
        var r = ResultsSerializer.FromNode<RunResults>(upgraded);
        Assert.Equal(ResultsSerializer.SchemaVersion, r.SchemaVersion);

        // Every criteria: the run's, each operator's of the split, each layer's.
        string meaning = HesdTypes.Meaning(HesdKind.MainlyPositive, -0.1, -0.6);
        foreach (var c in new[] { r.Hessian!.Criteria, r.CurvatureSplit!.Hessian.Criteria, r.CurvatureSplit.Ggn.Criteria, r.CurvatureSplit.Residual.Criteria, r.PerLayer!.Layers[0].Analysis.Criteria })
            Assert.Equal(meaning, c!.Meaning);

        // The masses: 0.01 negative per unit of positive, n = 100: G's is more than rounding, H's comes from R.
        var split = r.CurvatureSplit.Verdict!;
        Assert.Equal(NegativeCurvatureSource.Residual, split.Source);
        Assert.StartsWith("G shows a negative mass of 1 (rounding: G is positive semi-definite), so all of H's negative curvature (Σ|λ<0| ≈ 1) comes from the residual", split.Sentence);

        // Barriers 0.45 over end losses 1 and 1.1: more than 10 %, and no curve drawn.
        var verdict = r.Connect!.Verdict!;
        Assert.Equal(Connection.NotShown, verdict.Connection);
        Assert.Equal(Connectedness.Of(r.Paths!), verdict);
    }

    [Fact]
    public void A_file_of_the_current_schema_is_read_as_written()
    {
        var node = ResultsSerializer.ToNode(FullResults.Every());
        Assert.Same(node, ResultsMigration.UpgradeRun(node));
        Assert.Equal(FullResults.Meaning, ResultsSerializer.FromNode<RunResults>(node).Hessian!.Criteria!.Meaning);
    }

    [Fact]
    public void A_schema_1_runs_options_become_its_jobs_typed_settings_with_what_it_did_not_record_listed()
    {
        var r = ResultsSerializer.ReadRun(Path.Combine(Paths.Fixture("runs-v1"), "hessian"));
        var settings = Assert.IsType<Lla.Analysis.HessianSettings>(r.Options);
        Assert.Equal((2, 2, 15, 9, 128, (int?)2, 0.5, -0.6), (settings.TopK, settings.Runs, settings.LanczosSteps, settings.TraceApplications,
            settings.BatchSize, settings.Batches, settings.KhPower, settings.CtThreshold));
        Assert.Equal((TorchSharp.torch.ScalarType.Float32, TraceMethod.HutchPlusPlus, EigenTarget.LargestMagnitude, (string?)null),
            (settings.DType, settings.TraceMethod, settings.Which, settings.Weights));
        // The embedded default was written as no model, weights and data then (not "none"); settings added since were not recorded.
        Assert.Contains("model", settings.Unrecorded!);
        Assert.Contains("weights", settings.Unrecorded!);
        Assert.DoesNotContain("dtype", settings.Unrecorded!);
        Assert.Contains("diagonal_hvps", settings.Unrecorded!);
        Assert.DoesNotContain("top_k", settings.Unrecorded!);
        // "all" batches is none; a landscape plan's planes were labels then: not recorded.
        var plan = ResultsSerializer.Read<Lla.Landscapes.LandscapePlan.Plan>(Path.Combine(Paths.Fixture("runs-v1"), "landscape", "plan.json"), ResultsMigration.UpgradeOther);
        var landscape = Assert.IsType<Lla.Landscapes.LandscapeSettings>(plan.Options);
        Assert.Equal((4, 1.0, "0,1", (int?)1), (landscape.Steps, landscape.Distance, landscape.EigenPair, landscape.Batches));
        Assert.Contains("planes", landscape.Unrecorded!);
        Assert.Null(SettingsDifference.Between(landscape with { Planes = new[] { new Lla.Landscapes.PlaneSpec(Lla.Landscapes.AxesKind.Random, Lla.Landscapes.NormKind.Filter, 2, Lla.Landscapes.UpdateRule.Add, 42) } }, landscape));
    }

    [Fact]
    public void An_old_float64_random_init_run_reads_as_such()
    {
        var node = new JsonObject
        {
            ["command"] = "hessian", ["schema_version"] = 3,
            ["options"] = new JsonObject { ["model"] = "mlp", ["weights"] = "none", ["data"] = "idx:d", ["dtype"] = "float64", ["which"] = "largest", ["batches"] = "all" },
        };
        var settings = Assert.IsType<Lla.Analysis.HessianSettings>(ResultsSerializer.FromNode<RunResults>(ResultsMigration.UpgradeRun(node)).Options);
        Assert.Equal((TorchSharp.torch.ScalarType.Float64, (string?)null, "mlp", EigenTarget.LargestMagnitude, (int?)null),
            (settings.DType, settings.Weights, settings.Model, settings.Which, settings.Batches));
        Assert.DoesNotContain("weights", settings.Unrecorded!);
        Assert.Equal("\"float64\"", ResultsSerializer.ToNode<JobSettings>(settings)["dtype"]!.ToJsonString());
    }

    private static readonly string[] Keys =
        new[] { "model", "dataset", "accuracy", "loss", "ct_threshold", "hvps", "seconds", "criteria", "measures", "measure_seconds", "trained_label_accuracy" }.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Study_measurements_written_by_hand_before_read_and_write_back_the_same_through_the_one_serializer()
    {
        var lines = File.ReadAllLines(Path.Combine(Paths.Fixture("runs-v1"), "study", StudyRun.MeasurementsFile)).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var original = JsonNode.Parse(line)!.AsObject();
            var again = JsonNode.Parse(StudyMeasurement.FromJsonLine(line).ToJsonLine())!.AsObject();
            // The keys of the hand-written lines, the later ones (measures, their seconds, the trained-label accuracy) empty where a line lacks them.
            Assert.Equal(Keys, again.Select(kv => kv.Key).Order(StringComparer.Ordinal));
            foreach (var (key, value) in original) Assert.True(JsonNode.DeepEquals(value, again[key]), $"{key}: {value?.ToJsonString()} then, {again[key]?.ToJsonString()} now");
            foreach (var key in Keys.Except(original.Select(kv => kv.Key)))
                Assert.True(again[key] is null || again[key]!.ToJsonString() == "{}", key);
        }
    }
}
