using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla landscape` end to end: a run killed with SIGKILL mid-grid resumes (a whole process is killed, so slow),
/// and bad options are one-line errors. The axes and the resume logic are tested in-process in
/// Landscapes/LandscapeRunTests and Landscapes/LandscapeAxesTests.
/// </summary>
public class LandscapeCommandTests
{
    private static JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;

    private static double[][] Loss(JsonNode plane) =>
        plane["loss"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();

    [Fact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void A_run_killed_mid_grid_resumes_losing_at_most_the_point_in_flight()
    {
        string dir = Paths.NewTempFolder(), killed = Path.Combine(dir, "killed"), whole = Path.Combine(dir, "whole");
        string[] args = { "landscape", "--steps", "12", "--batch-size", "1024", "--threads", "2" };
        Assert.True(ProcessRunner.KillWhenFileHasLines("dotnet", new[] { LlaProcess.CliDll }.Concat(args).Concat(new[] { "--out", killed }),
            Path.Combine(killed, "landscape-0.points"), 25), "the run finished before it could be killed");
        int before = File.ReadAllLines(Path.Combine(killed, "landscape-0.points")).Count(l => l.EndsWith(";"));
        Assert.False(File.Exists(Path.Combine(killed, "results.json")));

        var resumed = LlaProcess.Run(args.Concat(new[] { "--out", killed, "--resume" }).ToArray());
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var plane = Results(killed)["landscapes"]![0]!;
        Assert.Equal(before, plane["points_resumed"]!.GetValue<int>());
        Assert.Equal(13 * 13 - before, plane["points_computed"]!.GetValue<int>());

        var fresh = LlaProcess.Run(args.Concat(new[] { "--out", whole }).ToArray());
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        var expected = Loss(Results(whole)["landscapes"]![0]!);
        var actual = Loss(plane);
        for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], actual[j]);

        // Only the steps differ (resume names the first setting that differs, in the settings' order).
        var mismatch = LlaProcess.Run("landscape", "--steps", "14", "--batch-size", "1024", "--threads", "2", "--out", killed, "--resume");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("--steps is 14 now but was 12", mismatch.Stderr);
        var again = LlaProcess.Run(args.Concat(new[] { "--out", killed }).ToArray());
        Assert.Contains("holds a finished landscape run: choose another --out, or add --force to replace it", again.Stderr);
    }
}

/// <summary>Refusals of `lla landscape`, run in-process through its entry point.</summary>
[Collection("console")]
public class LandscapeCommandErrorTests
{
    [Fact]
    public void Bad_landscape_options_are_one_line_errors()
    {
        string dir = Paths.NewTempFolder();
        string Error(params string[] args)
        {
            var outcome = InProcessLla.Run(dir, args);
            Assert.Equal(2, outcome.ExitCode);
            Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return outcome.Stderr;
        }
        Assert.Contains("--steps must be an even number", Error("landscape", "--steps", "7", "--out", Path.Combine(dir, "a")));
        Assert.Contains("--mode adameq needs --axes adam", Error("landscape", "--mode", "adameq", "--out", Path.Combine(dir, "b")));
        Assert.Contains("--norm must be", Error("landscape", "--norm", "batch", "--out", Path.Combine(dir, "c")));
        Assert.Contains("has no optimizer.exp_avg", Error("landscape", "--axes", "adam", "--weights", Paths.Fixture("lenet_pytorch.pth"), "--out", Path.Combine(dir, "d")));
        Assert.Contains("--resume", Error("landscape", "--resume", "--out", Path.Combine(dir, "e")));
        Assert.False(File.Exists(Path.Combine(dir, "b", "results.json")));
    }
}
