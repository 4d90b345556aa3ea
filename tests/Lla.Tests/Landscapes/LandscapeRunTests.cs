using Lla.Data;
using Lla.Landscapes;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Landscapes;

/// <summary>The landscape job in-process: cancellation through the progress callback, resume, plan checks, validation before work.</summary>
public class LandscapeRunTests
{
    private static LandscapeRunOptions Options(string outDir, int steps = 6, bool resume = false, UpdateRule rule = UpdateRule.Add) => new()
    {
        Source = new ModelSource("lenet", Paths.EmbeddedWeights, "idx:" + Paths.EmbeddedData, TorchSharp.torch.ScalarType.Float32, 42),
        Selection = new DataSelection(Split.Train, BatchSize: 256, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
        Planes = new[] { new PlaneSpec(AxesKind.Random, NormKind.Filter, 2, rule, 42) },
        Steps = steps,
        OutDir = outDir,
        Resume = resume,
    };

    [Fact]
    public void A_run_cancelled_after_n_points_resumes_to_the_grid_of_an_uninterrupted_run()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), cut = Path.Combine(dir, "cut"), whole = Path.Combine(dir, "whole");
        using var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            LandscapeRun.Execute(Options(cut), p => { if (p.Done >= 11) stop.Cancel(); }, cancel: stop.Token));
        Assert.False(File.Exists(Path.Combine(cut, "results.json")));
        Assert.Equal(11, File.ReadAllLines(Path.Combine(cut, "landscape-0.points")).Length);

        var resumed = LandscapeRun.Execute(Options(cut, resume: true));
        var fresh = LandscapeRun.Execute(Options(whole));
        Assert.Equal(11, resumed.Landscapes[0].PointsResumed);
        Assert.Equal(49 - 11, resumed.Landscapes[0].PointsComputed);
        for (int j = 0; j < 7; j++) Assert.Equal(fresh.Landscapes[0].Loss[j], resumed.Landscapes[0].Loss[j]);
        // What the job returned is what it wrote.
        Assert.Equal(resumed.Landscapes[0].Loss[3], ResultsSerializer.ReadRun(cut).Landscapes[0].Loss[3]);

        var changed = Assert.Throws<LlaException>(() => LandscapeRun.Execute(Options(cut, steps: 8, resume: true)));
        Assert.Equal("resume: steps is 8 now but was 6 in the interrupted run; repeat its command", changed.Message);
        Assert.Contains("holds a finished landscape run", Assert.Throws<LlaException>(() => LandscapeRun.Execute(Options(cut))).Message);
    }

    [Fact]
    public void A_resumed_run_on_hessian_axes_keeps_the_numeric_guard_of_the_run_that_computed_them()
    {
        TestTorch.Init();
        string cut = Path.Combine(Paths.NewTempFolder(), "cut");
        var options = Options(cut, steps: 4) with { Planes = new[] { new PlaneSpec(AxesKind.Hessian, NormKind.None, 2, UpdateRule.Add, 42) } };
        using var stop = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
            LandscapeRun.Execute(options, p => { if (p.Unit == "points" && p.Done >= 5) stop.Cancel(); }, cancel: stop.Token));
        Assert.True(File.Exists(Path.Combine(cut, LandscapeRun.GuardFile)));
        var resumed = LandscapeRun.Execute(options with { Resume = true });
        Assert.True(resumed.Landscapes[0].PointsResumed > 0);
        Assert.NotNull(resumed.NumericGuard);
        Assert.Equal(ResultsSerializer.FromNode<GuardRecord>(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cut, LandscapeRun.GuardFile)))!), resumed.NumericGuard);
    }

    [Fact]
    public void Invalid_settings_are_refused_before_anything_is_written()
    {
        string dir = Path.Combine(Paths.NewTempFolder(), "never");
        var adamEq = Assert.Throws<LlaException>(() => LandscapeRun.Execute(Options(dir, rule: UpdateRule.AdamEq)));
        Assert.StartsWith("--mode adameq needs --axes adam", adamEq.Render(s => "--" + s));
        Assert.Contains("steps must be an even number", Assert.Throws<LlaException>(() => LandscapeRun.Execute(Options(dir, steps: 7))).Message);
        Assert.False(Directory.Exists(dir));
    }
}
