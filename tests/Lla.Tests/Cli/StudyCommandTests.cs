using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

public class StudyCommandTests
{
    private const string Tiny = """
        { "name": "tiny", "shifts": ["noise:3", "blur:2"],
          "analysis": { "batch_size": 128, "batches": 2, "slq_runs": 1, "lanczos_steps": 12, "bootstrap": 200 },
          "models": [
            { "name": "m1", "model": "mlp", "epochs": 1, "seed": 1 },
            { "name": "m2", "model": "lenet", "optimizer": "sgd", "lr": 0.05, "epochs": 1, "seed": 2, "gradient": "sign-flip:0.2" },
            { "name": "m0", "model": "lenet", "epochs": 0, "seed": 3 } ] }
        """;

    private static string[] Lines(string folder) => File.ReadAllLines(Path.Combine(folder, "measurements.jsonl"));

    [Fact]
    public void The_quick_preset_runs_and_writes_the_table_correlations_plots_and_report()
    {
        string folder = Path.Combine(Paths.NewTempFolder(), "quick");
        var run = LlaProcess.Run("study", "--preset", "quick", "--out", folder, "--threads", "2");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        foreach (var file in new[] { "config.json", "measurements.jsonl", "table.csv", "table.json", "study.json", "scatter-re.png", "scatter-kh.png", "hesd-types.png", "report.html", "leaderboard.csv", "models.csv" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        var study = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!;
        int models = study["config"]!["models"]!.AsArray().Count, datasets = 2 + study["config"]!["shifts"]!.AsArray().Count;
        Assert.Equal(models * datasets, study["rows"]!.AsArray().Count);
        Assert.Equal(models * datasets + 1, File.ReadAllLines(Path.Combine(folder, "table.csv")).Length);
        foreach (var c in study["correlations"]!.AsArray())
        {
            Assert.Contains(c!["verdict"]!.GetValue<string>(), new[] { "held", "contradicted", "not shown", "not testable" });
            double low = c["spearman"]!["ci_low"]!.GetValue<double>(), high = c["spearman"]!["ci_high"]!.GetValue<double>();
            Assert.True(low <= high && low >= -1 && high <= 1);
        }
        Assert.Equal("MN", study["hesd_types"]!.AsArray().Single(t => t!["model"]!.GetValue<string>() == "lenet-init")!["hesd_type"]!.GetValue<string>());
        Assert.NotNull(study["meta"]!["versions"]);
        string html = File.ReadAllText(Path.Combine(folder, "report.html"));
        Assert.Contains("The claim", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("The claim", run.Stdout);

        // Everything is there: a rerun trains nothing and measures nothing.
        var models0 = Directory.GetFiles(Path.Combine(folder, "models")).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var again = LlaProcess.Run("study", "--preset", "quick", "--out", folder, "--threads", "2");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"resuming: {models * datasets} measurements", again.Stdout);
        Assert.DoesNotContain("epoch", again.Stdout);
        Assert.All(models0, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
    }

    [Fact]
    public void A_study_killed_midway_resumes_to_the_same_results_without_retraining()
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "tiny.json"), killed = Path.Combine(dir, "killed"), whole = Path.Combine(dir, "whole");
        File.WriteAllText(config, Tiny);
        Assert.True(ProcessRunner.KillWhenFileHasLines("dotnet", new[] { LlaProcess.CliDll, "study", "--config", config, "--out", killed, "--threads", "2" },
            Path.Combine(killed, "measurements.jsonl"), 5, new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "2" }), "the study finished before it could be killed");
        int before = Lines(killed).Length;
        Assert.InRange(before, 5, 11);
        Assert.False(File.Exists(Path.Combine(killed, "study.json")));
        var m1 = File.GetLastWriteTimeUtc(Path.Combine(killed, "models", "m1.bin"));

        var resumed = LlaProcess.Run("study", "--config", config, "--out", killed, "--threads", "2");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"resuming: {before} measurements", resumed.Stdout);
        Assert.DoesNotContain("m1 epoch", resumed.Stdout);
        Assert.Equal(m1, File.GetLastWriteTimeUtc(Path.Combine(killed, "models", "m1.bin")));

        var fresh = LlaProcess.Run("study", "--config", config, "--out", whole, "--threads", "2");
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        static JsonArray Rows(string f) => JsonNode.Parse(File.ReadAllText(Path.Combine(f, "table.json")))!.AsArray();
        var a = Rows(killed);
        var b = Rows(whole);
        Assert.Equal(12, a.Count);
        // Every default measure is kept with the rows, so a resumed study has them too (ATC/DoC calibrated on the held-out 10%).
        foreach (var m in new[] { "atc_accuracy", "doc_accuracy", "re_predicted", "batch_accuracy", "margin", "ww_alpha", "trace" })
            Assert.NotNull(a[0]!["measures"]![m]!["mean"]);
        for (int i = 0; i < a.Count; i++)
        {
            a[i]!.AsObject().Remove("seconds");
            b[i]!.AsObject().Remove("seconds");
            Assert.True(JsonNode.DeepEquals(a[i], b[i]), $"row {i}: {a[i]!.ToJsonString()} vs {b[i]!.ToJsonString()}");
        }

        // Axes only decide the scoring: adding them to a finished study re-scores it without measuring again.
        File.WriteAllText(config, Tiny.Replace("\"models\": [", "\"axes\": [\"model\"], \"models\": ["));
        var rescored = LlaProcess.Run("study", "--config", config, "--out", whole, "--threads", "2");
        Assert.True(rescored.ExitCode == 0, rescored.Stderr);
        Assert.Equal(12, Lines(whole).Length);
        var across = JsonNode.Parse(File.ReadAllText(Path.Combine(whole, "study.json")))!["leaderboard"]!["entries"]!.AsArray()
            .Single(e => e!["measure"]!.GetValue<string>() == "re")!["across_models"];
        Assert.Equal(2, across!["models"]!.GetValue<int>());
        Assert.Equal("model", JsonNode.Parse(File.ReadAllText(Path.Combine(whole, "config.json")))!["axes"]!.AsArray().Single()!.GetValue<string>());

        File.WriteAllText(config, Tiny.Replace("\"lanczos_steps\": 12", "\"lanczos_steps\": 14"));
        var changed = LlaProcess.Run("study", "--config", config, "--out", killed);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("holds a study with another config", changed.Stderr);
    }

    [Theory]
    [InlineData("study")]
    [InlineData("study", "--preset", "quick", "--config", "x.json")]
    [InlineData("study", "--preset", "huge")]
    [InlineData("study", "--config", "/nonexistent/study.json")]
    public void Bad_invocations_give_one_line_and_exit_2(params string[] args)
    {
        var run = LlaProcess.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_config_with_a_mistake_names_it()
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "bad.json");
        File.WriteAllText(config, """{ "models": [ { "name": "a", "model": "mlp", "optimiser": "sgd" } ] }""");
        var run = LlaProcess.Run("study", "--config", config, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("models[0]: unknown key 'optimiser'", run.Stderr);
        File.WriteAllText(config, """{ "models": [ { "name": "a", "model": "transformer" } ] }""");
        run = LlaProcess.Run("study", "--config", config, "--out", Path.Combine(dir, "out2"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown architecture 'transformer'", run.Stderr);
    }
}
