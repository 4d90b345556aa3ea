using Lla.Objectives;
using Lla.Analysis;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's hessian/analyze cases: --eigen-tol bounded below 1, analyze's landscape grid refused
/// before any analysis, Kh computed in log space at any power (its explanation never wrong), a long
/// run's estimate, and --split-curvature's summary showing G and R and counting every product.
/// </summary>
[Collection("console")]
public class HessianFlagCaseTests
{
    public static TheoryData<string, string> Refused() => new()
    {
        { "hessian --eigen-tol 1e300", "--eigen-tol must be below 1" },
        { "hessian --eigen-tol 1", "--eigen-tol must be below 1" },
        { "analyze --landscape-steps 100000", "--landscape-steps 100000" },
        { "hessian --eigen-max-steps 0", "--eigen-max-steps must be at least 1 (got 0)" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_before_any_work_in_one_line(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var clock = Stopwatch.StartNew();
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run" }).ToArray());
        Refusal.AssertOneLine(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
        // Before any work: formerly analyze refused the grid after its 27 s analysis.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"refused after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Eigen_max_steps_bounds_lanczos_and_its_basis()
    {
        // --eigen-max-steps bounds Lanczos's steps over all restarts, and so its basis (ResNet-18 in float64 needed 16.7 GiB at the fixed 200 before restarts).
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "hessian --batch-size 64 --top-k 1 --eigen-tol 1e-12 --eigen-max-steps 3 --threads 2 --out run --quiet".Split(' '));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!;
        Assert.Equal(3, results["hessian"]!["eigen_steps"]!.GetValue<int>());
        Assert.Equal(3, results["hessian"]!["eigen_basis"]!.GetValue<int>()); // three vectors fit: a plain run, no restart
        Assert.Equal(0, results["hessian"]!["eigen_restarts"]!.GetValue<int>());
        Assert.Equal(3, results["options"]!["eigen_max_steps"]!.GetValue<int>());
    }

    [Fact]
    public void Kh_at_a_huge_power_is_its_limit_not_a_missing_positive_mass()
    {
        // Every |λw| below 1: (λw)^n underflowed to 0 for both sums and Kh came out null, "no positive eigenvalue mass".
        var small = new SlqRun(new[] { -1.0, 2.0 }, new[] { 0.3, 0.3 }, 2);
        var c = Criteria.FromSpectrum(new[] { small }, 1e300).Runs[0];
        Assert.Equal(0.0, c.Kh);
        Assert.Null(c.Note);
        // n = 50: the log-space value equals the direct sums.
        double direct = Math.Pow(0.3, 50) / Math.Pow(0.6, 50);
        Assert.Equal(direct, Criteria.FromSpectrum(new[] { small }, 50).Runs[0].Kh!.Value, direct * 1e-12);
        // Equal largest terms: the limit is the ratio of their counts.
        var tie = new SlqRun(new[] { -2.0, 2.0, 2.0, 1.0 }, new[] { 0.25, 0.25, 0.25, 0.25 }, 4);
        Assert.Equal(0.5, Criteria.FromSpectrum(new[] { tie }, 1e300).Runs[0].Kh!.Value, 12);
        // The negative side dominating: beyond the largest double, and the note says that, not "no positive mass".
        var negative = new SlqRun(new[] { -8.0, 1.0 }, new[] { 0.5, 0.5 }, 2);
        var big = Criteria.FromSpectrum(new[] { negative }, 1e300).Runs[0];
        Assert.Null(big.Kh);
        Assert.Contains("beyond the largest double", big.Note);
        Assert.DoesNotContain("no positive", big.Note);
        // Unchanged at the default power.
        Assert.Equal((Math.Sqrt(0.3)) / Math.Sqrt(0.6), Criteria.FromSpectrum(new[] { small }, 0.5).Runs[0].Kh!.Value, 12);
    }

    [Fact]
    public void A_duration_reads_in_the_unit_that_fits()
    {
        Assert.Equal("40 s", Lla.Runs.Durations.Estimate(40));
        Assert.Equal("12 min", Lla.Runs.Durations.Estimate(720));
        Assert.Equal("3.0 h", Lla.Runs.Durations.Estimate(3 * 3600));
        Assert.Equal("26 days", Lla.Runs.Durations.Estimate(26 * 86400));
        Assert.Contains("years", Lla.Runs.Durations.Estimate(1e8));
    }

    [Fact]
    public void A_large_diagonal_count_starts_with_its_estimated_time_and_shows_progress()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var options = new HessianRunOptions
        {
            Source = new Lla.Objectives.ModelSource("lenet", Paths.EmbeddedWeights, "idx:" + Paths.EmbeddedData, TorchSharp.torch.ScalarType.Float32, 42),
            Selection = new Lla.Objectives.DataSelection(Lla.Data.Split.Train, BatchSize: 32, MaxBatches: 1, Shuffle: false, Lla.Objectives.BatchNormMode.Train),
            Analysis = new HessianAnalysisOptions { TopK = 0, Trace = false, Esd = false },
            OutDir = Path.Combine(cwd, "run"),
            Diagonal = true,
            DiagonalHvps = 2_000_000_000,
        };
        var said = new List<string>();
        var seen = new List<AnalysisProgress>();
        // Stopped from its progress after the first products (it would take years).
        Assert.Throws<OperationCanceledException>(() => HessianRun.Execute(options, p =>
        {
            seen.Add(p);
            if (p.Stage == "diagonal" && p.Done >= 3) throw new OperationCanceledException();
        }, say: said.Add));
        Assert.Contains(said, line => line.Contains("2,000,000,000 curvature products") && line.Contains("(an estimate"));
        Assert.Contains(seen, p => p.Stage == "diagonal" && p.Done == 1 && p.Total == 2_000_000_000);
        Assert.False(Directory.Exists(Path.Combine(cwd, "run")));
    }

    [Fact]
    public void The_split_summary_shows_g_and_r_and_counts_every_product()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        // A process: the summary is read from stdout, and Spectre.Console's AnsiConsole keeps the console it was first used with, so an in-process run after another one prints elsewhere.
        var run = LlaProcess.RunIn(cwd, "hessian", "--split-curvature", "--batch-size", "64", "--top-k", "1", "--lanczos-steps", "4",
            "--trace-method", "xtrace", "--trace-hvps", "4", "--threads", "1", "--out", "run");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!;
        long h = results["hessian"]!["hvp_count"]!.GetValue<long>();
        long g = results["curvature_split"]!["ggn"]!["hvp_count"]!.GetValue<long>();
        long r = results["curvature_split"]!["residual"]!["hvp_count"]!.GetValue<long>();
        Assert.Contains("(GGN):", run.Stdout);
        Assert.Contains("XTrace", run.Stdout);
        Assert.DoesNotContain("Hutchinson", run.Stdout);
        Assert.Contains($"{h + g + r}", run.Stdout);
    }
}
