using Lla.Landscapes;
using Lla.Objectives;
using System.Text.Json.Nodes;
using Lla.Connectivity;
using Lla.Models;
using Lla.Runs;
using Lla.Tests.Connectivity;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's probe of `lla connect`'s plane: its resolution is the user's (--plane-steps, in --help), and a run
/// interrupted during the plane resumes it point by point (in the library, stopped through the cancellation token).
/// </summary>
[Collection("console")]
public class ConnectCaseTests
{
    public ConnectCaseTests() => TestTorch.Init();

    private static ConnectRunOptions Options(string outDir) => new()
    {
        Source = new ModelSource("mlp", ConnectFixture.A, ConnectFixture.Data, ScalarType.Float64, Seed: 5),
        To = ConnectFixture.B,
        OutDir = outDir,
        Method = PathMethod.Bezier,
        Points = 3,
        Epochs = 1,
        LearningRate = 0.05,
        BatchSize = 16,
        PlaneSteps = 4,
    };

    [Fact]
    public void A_run_interrupted_during_its_plane_resumes_it_point_by_point_with_the_same_losses()
    {
        string root = Paths.NewTempFolder();
        string whole = Path.Combine(root, "whole"), cut = Path.Combine(root, "cut");
        var uninterrupted = ConnectRun.Execute(Options(whole)).Landscapes[0];
        Assert.Equal(25, uninterrupted.PointsComputed);

        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ConnectRun.Execute(Options(cut),
            p => { if (p.Stage.StartsWith("plane") && p.Done == 10) cancel.Cancel(); }, cancel.Token));
        Assert.False(File.Exists(Path.Combine(cut, ResultsSerializer.ResultsFile)));

        var said = new List<string>();
        var resumed = ConnectRun.Execute(Options(cut) with { Resume = true }, say: said.Add).Landscapes[0];
        Assert.Equal(10, resumed.PointsResumed);
        Assert.Equal(15, resumed.PointsComputed);
        Assert.Contains(said, s => s.Contains("resuming the interrupted plane"));
        Assert.Equal(uninterrupted.Loss.SelectMany(r => r), resumed.Loss.SelectMany(r => r));
    }

    [Fact]
    public void A_plane_from_another_bend_is_not_resumed()
    {
        string root = Paths.NewTempFolder(), cut = Path.Combine(root, "cut");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ConnectRun.Execute(Options(cut),
            p => { if (p.Stage.StartsWith("plane") && p.Done == 10) cancel.Cancel(); }, cancel.Token));
        // The run folder names A, B and the bend of the plane by their SHA-256: a changed bend.bin makes the old points another plane's.
        string models = Path.Combine(cut, ConnectPlane.ModelsFile);
        Assert.True(File.Exists(models));
        File.WriteAllText(models, "another");
        var resumed = ConnectRun.Execute(Options(cut) with { Resume = true }).Landscapes[0];
        Assert.Equal(0, resumed.PointsResumed);
        Assert.Equal(25, resumed.PointsComputed);
    }

    [Fact]
    public void Plane_steps_set_the_planes_resolution_and_are_documented()
    {
        string dir = Paths.NewTempFolder();
        var help = InProcessLla.Run(dir, "connect", "--help");
        Assert.Contains("--plane-steps", help.Stdout);
        var run = InProcessLla.Run(dir, "connect", "--model", "mlp", "--weights", ConnectFixture.A, "--to", ConnectFixture.B, "--data", ConnectFixture.Data,
            "--dtype", "float64", "--points", "3", "--epochs", "1", "--batch-size", "16", "--threads", "1", "--method", "bezier", "--plane-steps", "2",
            "--quiet", "--out", "c");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var plane = ResultsSerializer.ReadRun(Path.Combine(dir, "c")).Landscapes.Single();
        Assert.Equal(3, plane.Alphas.Count);
        Assert.Equal(3, plane.Betas.Count);
        Assert.Equal(2, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "c", ResultsSerializer.ResultsFile)))!["options"]!["plane_steps"]!);
    }

    [Theory]
    [InlineData("7", "--plane-steps must be an even number")]
    [InlineData("-2", "--plane-steps must be an even number")]
    [InlineData("100000", "--plane-steps 100000 is too many")]
    public void A_bad_plane_steps_is_one_line_exit_2_and_leaves_no_folder(string steps, string expected)
    {
        string dir = Paths.NewTempFolder();
        var run = InProcessLla.Run(dir, "connect", "--model", "mlp", "--weights", ConnectFixture.A, "--to", ConnectFixture.B, "--data", ConnectFixture.Data,
            "--method", "bezier", "--plane-steps", steps, "--out", "c");
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains(expected, run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "c")));
    }
}
