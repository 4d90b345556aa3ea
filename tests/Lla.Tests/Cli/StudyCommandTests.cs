using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla study` end to end: the quick preset with its figures and report, and a rerun that finds everything
/// done (slow: trains and measures a zoo); bad invocations. The resume logic is tested in-process in
/// Studies/StudyResumeTests.
/// </summary>
public class StudyCommandTests
{
    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
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
}

/// <summary>Refusals of `lla study`, run in-process through its entry point.</summary>
[Collection("console")]
public class StudyCommandErrorTests
{
    [Theory]
    [InlineData("study")]
    [InlineData("study", "--preset", "quick", "--config", "x.json")]
    [InlineData("study", "--preset", "huge")]
    [InlineData("study", "--config", "/nonexistent/study.json")]
    public void Bad_invocations_give_one_line_and_exit_2(params string[] args)
    {
        var run = InProcessLla.Run(Paths.NewTempFolder(), args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_config_with_a_mistake_names_it()
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "bad.json");
        File.WriteAllText(config, """{ "models": [ { "name": "a", "model": "mlp", "optimiser": "sgd" } ] }""");
        var run = InProcessLla.Run(dir, "study", "--config", config, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("models[0]: unknown key 'optimiser'", run.Stderr);
        File.WriteAllText(config, """{ "models": [ { "name": "a", "model": "transformer" } ] }""");
        run = InProcessLla.Run(dir, "study", "--config", config, "--out", Path.Combine(dir, "out2"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown architecture 'transformer'", run.Stderr);
    }
}
