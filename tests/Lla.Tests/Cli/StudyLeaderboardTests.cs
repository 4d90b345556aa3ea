using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>`lla study` with every default measure, scored across datasets and across models; models.csv scored by `lla study score` gives the study's own scores.</summary>
public class StudyLeaderboardTests
{
    /// <summary>A 2×2 zoo of tiny MLPs (lr × label noise), one epoch, one shift, one batch of 128, 8 Lanczos steps.</summary>
    private const string Zoo = """
        { "name": "tiny-zoo", "shifts": ["noise:4"],
          "analysis": { "batch_size": 128, "batches": 1, "slq_runs": 1, "lanczos_steps": 8, "bootstrap": 100 },
          "axes": ["lr", "label_noise"],
          "models": [
            { "name": "a", "model": "mlp", "epochs": 1, "lr": 0.001, "seed": 1 },
            { "name": "b", "model": "mlp", "epochs": 1, "lr": 0.003, "seed": 1 },
            { "name": "c", "model": "mlp", "epochs": 1, "lr": 0.001, "seed": 1, "label_noise": 0.3 },
            { "name": "d", "model": "mlp", "epochs": 1, "lr": 0.003, "seed": 1, "label_noise": 0.3 } ] }
        """;

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void The_leaderboard_scores_every_measure_and_study_score_on_models_csv_reproduces_the_across_model_scores()
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "zoo.json"), folder = Path.Combine(dir, "out");
        File.WriteAllText(config, Zoo);
        var run = LlaProcess.Run("study", "--config", config, "--out", folder, "--threads", "2");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var study = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!;
        var board = study["leaderboard"]!;
        var entries = board["entries"]!.AsArray();
        Assert.Equal(study["config"]!["measures"]!.AsArray().Count, entries.Count);
        JsonNode Entry(string m) => entries.Single(e => e!["measure"]!.GetValue<string>() == m)!;
        // Data-free measures are n/a across datasets; the others have ρ and τ with intervals over 4 models.
        Assert.Null(Entry("ww_alpha")["all_models"]);
        foreach (var m in new[] { "re", "kh", "batch_accuracy", "atc_accuracy", "re_predicted" })
        {
            var all = Entry(m)["all_models"]!;
            Assert.Equal(4, all["spearman"]!["models"]!.GetValue<int>());
            Assert.InRange(all["kendall"]!["value"]!.GetValue<double>(), -1, 1);
            Assert.True(Entry(m)["seconds_per_model_and_dataset"]!.GetValue<double>() > 0);
        }
        Assert.False(Entry("atc_accuracy")["needs_labels"]!.GetValue<bool>());
        Assert.True(Entry("re")["needs_labels"]!.GetValue<bool>());
        Assert.Contains("batch_accuracy", board["verdict"]!.GetValue<string>());
        // The raw correlation the study always reported stays in study.json.
        Assert.Equal(4, study["correlations"]!.AsArray().Count);
        // Label noise: train accuracy on the labels trained with is below the clean one, and it is the gap's.
        var rows = study["rows"]!.AsArray();
        var cTrain = rows.Single(r => r!["model"]!.GetValue<string>() == "c" && r["dataset"]!.GetValue<string>() == "train")!;
        Assert.True(cTrain["trained_label_accuracy"]!.GetValue<double>() < cTrain["accuracy"]!.GetValue<double>());
        Assert.Contains("leaderboard.csv", run.Stdout);
        Assert.Equal(entries.Count + 1, File.ReadAllLines(Path.Combine(folder, "leaderboard.csv")).Length);
        Assert.Contains("Which measure predicts generalization?", File.ReadAllText(Path.Combine(folder, "report.html")));
        // The per-shift table: re, Kh, batch_accuracy and the best label-free measure, over the 4 models.
        var shift = board["shifts"]!.AsArray().Single()!;
        Assert.Equal("noise:4", shift["shift"]!.GetValue<string>());
        Assert.Equal(4, shift["models"]!.GetValue<int>());
        var compared = shift["measures"]!.AsArray().Select(m => m!["measure"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { "re", "kh", "batch_accuracy" }, compared.Take(3));
        Assert.Equal(4, compared.Count);
        Assert.False(Entry(compared[3])["needs_labels"]!.GetValue<bool>());
        Assert.All(shift["measures"]!.AsArray(), m => Assert.Equal(4, m!["scored"]!.GetValue<int>()));
        Assert.Contains("Which shifts?", File.ReadAllText(Path.Combine(folder, "report.html")));
        // leaderboard.md: the same rows as Markdown, in the same order, with the verdict.
        var markdown = File.ReadAllLines(Path.Combine(folder, "leaderboard.md"));
        Assert.Contains(board["verdict"]!.GetValue<string>(), markdown);
        var mdRows = markdown.Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('`')[1]).ToList();
        Assert.Equal(entries.Select(e => e!["measure"]!.GetValue<string>()), mdRows);
        Assert.Contains(markdown, l => l.StartsWith("| noise:4 |", StringComparison.Ordinal));

        // models.csv scored from anywhere, with the command the study recorded, gives the study's own across-model scores.
        string command = board["score_command"]!.GetValue<string>();
        Assert.StartsWith("lla study score models.csv --axes lr,label_noise", command);
        var scored = LlaProcess.RunIn(folder, command.Split(' ').Skip(1).ToArray());
        Assert.True(scored.ExitCode == 0, scored.Stderr);
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "score", "score.json")))!["scores"]!.AsArray();
        Assert.Equal(entries.Count, scores.Count);
        foreach (var s in scores)
        {
            var own = Entry(s!["name"]!.GetValue<string>())["across_models"]!;
            Assert.True(JsonNode.DeepEquals(own, s), $"{own.ToJsonString()} vs {s.ToJsonString()}");
        }
    }

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void A_study_without_axes_says_not_testable_across_models()
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "zoo.json"), folder = Path.Combine(dir, "out");
        File.WriteAllText(config, Zoo.Replace("\"axes\": [\"lr\", \"label_noise\"],", "\"measures\": [\"re\", \"kh\", \"batch_accuracy\", \"ww_alpha\"],"));
        var run = LlaProcess.Run("study", "--config", config, "--out", folder, "--threads", "2");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var board = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!["leaderboard"]!;
        Assert.StartsWith("not testable", board["across_models"]!.GetValue<string>());
        Assert.All(board["entries"]!.AsArray(), e => Assert.Null(e!["across_models"]));
        Assert.Equal(4, board["entries"]!.AsArray().Count);
        // Only the asked measures are computed (λmax comes with the study's own spectrum).
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "table.json")))!.AsArray()[0]!["measures"]!.AsObject();
        Assert.Equal(new[] { "batch_accuracy", "ct", "kh", "lambda_max", "re", "ww_alpha" }, cells.Select(kv => kv.Key));
    }

    [Theory]
    [InlineData("\"measures\": [\"re\", \"vibes\"],", "unknown measure 'vibes'")]
    [InlineData("\"axes\": [\"lr\", \"seed\"],", "axis 'seed' does not vary")]
    public void A_config_with_an_unknown_measure_or_a_constant_axis_is_refused_before_any_work(string replacement, string message)
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "zoo.json"), folder = Path.Combine(dir, "out");
        File.WriteAllText(config, Zoo.Replace("\"axes\": [\"lr\", \"label_noise\"],", replacement));
        var run = LlaProcess.Run("study", "--config", config, "--out", folder);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(folder));
    }
}
