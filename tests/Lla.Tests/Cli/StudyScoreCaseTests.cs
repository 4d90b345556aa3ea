using Lla.Studies.Scoring;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's probe of `lla study score`: a parse error points to `lla study score --help`; --resamples that cannot fit
/// in memory is refused with the estimate, and a long run says its estimated time and reports progress.
/// </summary>
[Collection("console")]
public class StudyScoreCaseTests
{
    private static string Zoo(string dir)
    {
        var lines = new List<string> { "model,lr,wd,train_accuracy,test_accuracy,sharpness" };
        foreach (var (lr, wd) in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1) })
        {
            double gap = 0.1 * lr + 0.2 * wd;
            lines.Add(FormattableString.Invariant($"m{lr}{wd},{lr},{wd},{0.3 + gap},0.3,{gap * 3 + 0.01 * lr * wd}"));
        }
        string path = Path.Combine(dir, "zoo.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData("--resamples", "abc")]
    [InlineData("--no-such-option", "1")]
    public void A_parse_error_points_to_the_full_command_path(string option, string value)
    {
        string dir = Paths.NewTempFolder();
        var run = InProcessLla.Run(dir, "study", "score", Zoo(dir), "--axes", "lr,wd", option, value, "--out", "s");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("(see `lla study score --help`)", run.Stderr);
    }

    [Fact]
    public void Resamples_whose_draws_cannot_fit_are_refused_with_the_estimate_in_one_line()
    {
        string dir = Paths.NewTempFolder();
        // More than any array holds: refused on every machine.
        var run = InProcessLla.Run(dir, "study", "score", Zoo(dir), "--axes", "lr,wd", "--test-size", "100", "--resamples", "2147483647", "--out", "s");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("--resamples 2147483647 needs about 48 GB of memory", run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "s")));
        // The probe's 2,000,000,000 against a budget of 16 GB (what a machine of 20 GB gives it).
        var options = new ScoreRunOptions { Table = Zoo(dir), Axes = new[] { "lr", "wd" }, TestSize = 100, OutDir = Path.Combine(dir, "t"), Resamples = 2_000_000_000, MemoryBudget = 20L << 30 };
        var e = Assert.Throws<LlaException>(() => ScoreRun.Execute(options));
        Assert.Contains("{resamples} 2000000000 needs about 44.7 GB of memory", e.Template);
        Assert.Contains("at most 715827882 resamples fit", e.Template);
        Assert.False(Directory.Exists(Path.Combine(dir, "t")));
        // A count that fits runs (long runs that are meant are not refused).
        var fits = ScoreRun.Execute(options with { Resamples = 3000, MemoryBudget = 1L << 20 });
        Assert.Equal(3000, fits.Resamples);
    }

    [Fact]
    public void A_long_run_says_its_estimated_time_first_and_reports_progress()
    {
        string dir = Paths.NewTempFolder();
        var said = new List<string>();
        var options = new ScoreRunOptions
        {
            Table = Zoo(dir), Axes = new[] { "lr", "wd" }, TestSize = 100, OutDir = Path.Combine(dir, "s"), Resamples = 5000,
            LongRun = TimeSpan.Zero, ProgressEvery = TimeSpan.Zero, // every run counts as long here; a line per draw
        };
        ScoreRun.Execute(options, said.Add);
        Assert.StartsWith("scoring 1 measure(s) with 5000 bootstrap resamples each: about ", said[0]);
        Assert.Contains("(estimated)", said[0]);
        Assert.Contains(said, s => s.Contains("bootstrap: 5000 of 10000 draws (50.0 %), measure 1 of 1 (sharpness)"));
        Assert.EndsWith("left", said[^1]);
        // A short run says nothing.
        var quiet = new List<string>();
        ScoreRun.Execute(options with { OutDir = Path.Combine(dir, "q"), LongRun = TimeSpan.FromHours(1) }, quiet.Add);
        Assert.Empty(quiet);
    }
}
