using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Reports;
using Lla.Runs;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>The results contract: one serializer, schema versions, and old run folders still rendering.</summary>
public class ResultsContractTests
{
    private static string CopyFixture(string kind)
    {
        string from = Path.Combine(Paths.Fixture("runs-v1"), kind), to = Path.Combine(Paths.NewTempFolder(), kind);
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    [Theory]
    [InlineData("analyze", 10)]
    [InlineData("hessian", 1)]
    [InlineData("landscape", 7)]
    [InlineData("landscape-hessian", 3)]
    public void A_run_folder_of_schema_1_is_upgraded_and_renders(string kind, int figures)
    {
        TestTorch.Init();
        string folder = CopyFixture(kind);
        var old = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!.AsObject();
        Assert.Equal(1, ResultsMigration.VersionOf(old));

        var drawn = RunRenderer.Render(folder);
        Assert.Equal(figures, drawn.Count);
        foreach (var figure in drawn) Assert.True(new FileInfo(Path.Combine(folder, figure)).Length > 1000, figure);
        Assert.True(File.Exists(Path.Combine(folder, HtmlReport.FileName)));
        Assert.True(File.Exists(Path.Combine(folder, DataExport.Hdf5File)));

        // The folder's own file stays as written; it is upgraded on reading.
        Assert.Equal(old.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!.ToJsonString());
        var upgraded = ResultsSerializer.ReadRun(folder);
        Assert.Equal(ResultsSerializer.SchemaVersion, upgraded.SchemaVersion);
        Assert.Equal(old["loss"]!.GetValue<double>(), upgraded.Loss);
        if (old["hessian"] is JsonObject h)
        {
            // The density the migration stored is the library's smoothing of the stored SLQ runs.
            var runs = h["esd"]!["runs"]!.AsArray().Select(r => new SlqRun(
                r!["nodes"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(),
                r["weights"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(), r["steps"]!.GetValue<int>())).ToList();
            var expected = new SpectralDensityResult(runs, 1, 0, 0).Smooth(bins: HessianRecords.DensityBins);
            var stored = upgraded.Hessian!.Esd!.Density!;
            Assert.Equal(expected.X, stored.Lambda);
            Assert.Equal(expected.Density, stored.Density);
            Assert.Equal(h["criteria"]!["re"]!.GetValue<double>(), upgraded.Hessian.Criteria!.Re);
            // The page carries the stored curve, so its script only draws.
            Assert.Contains("\"density\":{\"lambda\":[", File.ReadAllText(Path.Combine(folder, HtmlReport.FileName)));
        }
    }

    [Fact]
    public void A_study_folder_of_schema_1_renders_from_its_stored_records()
    {
        TestTorch.Init();
        string folder = CopyFixture("study");
        var drawn = RunRenderer.Render(folder);
        Assert.Equal(new[] { "scatter-re.png", "scatter-kh.png", "hesd-types.png", "report.html" }, drawn);
        var (_, study) = StudyFolder.Load(folder);
        var old = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!;
        Assert.Equal(old["correlations"]![0]!["spearman"]!["value"]!.GetValue<double>(), study.Correlations[0].Spearman.Value);
        Assert.Equal(old["hesd_types"]![0]!["ct"]!.GetValue<double>(), study.HesdTypes[0].Ct);
        Assert.Equal(old["rows"]!.AsArray().Count, study.Rows.Count);
        Assert.Contains("The claim", File.ReadAllText(Path.Combine(folder, "report.html")));
    }

    [Fact]
    public void Non_finite_numbers_are_written_as_null_and_read_back_as_nan()
    {
        var results = new RunResults
        {
            Command = "hessian", Loss = double.NaN, Accuracy = 0.5,
            Timings = new Dictionary<string, double> { ["total"] = double.PositiveInfinity },
            Landscapes = new[]
            {
                new LandscapeRecord
                {
                    Axes = "random", Norm = "filter", Mode = "add", Label = "x", Alphas = new[] { 0.0 }, Betas = new[] { 0.0 },
                    Loss = new[] { new[] { double.NaN } }, Accuracy = new[] { new[] { 1.0 } },
                },
            },
        };
        var node = ResultsSerializer.ToNode(results);
        Assert.Equal(ResultsSerializer.SchemaVersion, node["schema_version"]!.GetValue<int>());
        Assert.Null(node["loss"]);
        Assert.Null(node["timings_s"]!["total"]);
        Assert.Null(node["landscapes"]![0]!["loss"]![0]![0]);
        Assert.False(node.ContainsKey("hessian")); // a payload that does not apply is left out
        var back = ResultsSerializer.FromNode<RunResults>(node);
        Assert.Null(back.Loss); // an optional number stays absent; a required one (below) reads back as NaN
        Assert.True(double.IsNaN(back.Landscapes[0].Loss[0][0]));
        Assert.Equal(0.5, back.Accuracy);
    }

    [Fact]
    public void A_file_of_a_newer_schema_or_not_json_is_refused_in_one_line()
    {
        string folder = Paths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "results.json"), "{\"schema_version\": 99, \"command\": \"hessian\"}");
        var newer = Assert.Throws<LlaException>(() => ResultsSerializer.ReadRun(folder));
        Assert.Contains("newer Lla.NET", newer.Message);
        File.WriteAllText(Path.Combine(folder, "results.json"), "not json");
        Assert.Contains("is not a results file", Assert.Throws<LlaException>(() => ResultsSerializer.ReadRun(folder)).Message);
        Assert.Contains("run folder not found", Assert.Throws<LlaException>(() => ResultsSerializer.ReadRun(Path.Combine(folder, "none"))).Message);
    }

    [Fact]
    public void Settings_in_messages_read_as_concepts_in_the_library_and_as_flags_on_the_command_line()
    {
        var e = new LlaException("{steps} must be even (got 7); see {lanczos-steps}");
        Assert.Equal("steps must be even (got 7); see lanczos-steps", e.Message);
        Assert.Equal("--steps must be even (got 7); see --lanczos-steps", e.Render(s => "--" + s));
        Assert.Equal("a {JSON} brace stays", new LlaException("a {JSON} brace stays").Render(s => "--" + s));
    }
}
