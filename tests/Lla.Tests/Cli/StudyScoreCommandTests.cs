using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>`lla study score`: a leaderboard and score.json from a table; user mistakes in one line, exit 2, nothing written.</summary>
[Collection("console")]
public class StudyScoreCommandTests
{
    private static string Zoo(string dir)
    {
        // gap = 0.1·lr + 0.2·wd; "sharpness" follows the gap, "margin" falls as it rises (scored negated).
        var lines = new List<string> { "model,lr,wd,train_accuracy,test_accuracy,sharpness,margin" };
        foreach (var (lr, wd) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
        {
            double gap = 0.1 * lr + 0.2 * wd;
            lines.Add(FormattableString.Invariant($"m{lr}{wd},{lr},{wd},{0.6 + gap},0.6,{gap * 3},{1 - gap}"));
        }
        string path = Path.Combine(dir, "zoo.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void The_leaderboard_is_printed_and_score_json_written()
    {
        string dir = Paths.NewTempFolder();
        var run = InProcessLla.Run(dir, "study", "score", Zoo(dir), "--axes", "lr,wd", "--negate", "margin", "--test-size", "10000", "--resamples", "50", "--out", "s");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("sharpness", run.Stdout);
        Assert.Contains("4 models", run.Stdout);
        var scores = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "s", "score.json")))!["scores"]!.AsArray();
        Assert.All(scores, s => Assert.Equal(1, s!["tau"]!.GetValue<double>(), 12));
        Assert.All(scores, s => Assert.Equal(0, s!["sign_error_mean"]!.GetValue<double>(), 12));
    }

    [Theory]
    [InlineData("--test-size (the test-set size", "--axes", "lr,wd")]
    [InlineData("--axes names an axis twice", "--axes", "lr,lr", "--test-size", "100")]
    [InlineData("has no column 'depth'", "--axes", "lr,depth", "--test-size", "100")]
    [InlineData("--negate names 'flatness'", "--axes", "lr", "--negate", "flatness", "--test-size", "100")]
    [InlineData("--test-size must be at least 1", "--axes", "lr", "--test-size", "0")]
    [InlineData("Option '--axes' is required", "--test-size", "100")]
    public void A_mistake_is_one_line_and_exit_2_with_nothing_written(string expected, params string[] options)
    {
        string dir = Paths.NewTempFolder();
        var run = InProcessLla.Run(dir, new[] { "study", "score", Zoo(dir) }.Concat(options).Concat(new[] { "--out", "s" }).ToArray());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(dir, "s")));
    }
}
