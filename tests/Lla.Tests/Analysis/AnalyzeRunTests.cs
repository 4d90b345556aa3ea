using Lla.Analysis;
using Lla.Measures;
using Lla.Objectives;

namespace Lla.Tests.Analysis;

/// <summary>`lla analyze` and `lla train --analyze-every` make the same analysis: <see cref="AnalyzeRun"/>'s.</summary>
public sealed class AnalyzeRunTests
{
    private static readonly ModelSource Source = new("mlp", null, "idx:x", TorchSharp.torch.ScalarType.Float32, 7);

    [Fact]
    public void A_gpt_profile_takes_fewer_windows_and_explicit_settings_still_win()
    {
        Assert.Equal(512, AnalyzeProfile.Quick.For("lenet").BatchSize);
        Assert.Equal(512 / AnalyzeProfile.WindowDivisor, AnalyzeProfile.Quick.For("gpt-bytes").BatchSize);
        Assert.Equal(2048 / AnalyzeProfile.WindowDivisor, AnalyzeProfile.Full.For("gpt:layers=1,heads=1,width=4,context=4").BatchSize);
        Assert.Equal(8, AnalyzeProfile.Quick.For("gpt-bytes").Override(8, null, null, null).BatchSize);
        Assert.Equal(AnalyzeProfile.Quick.LanczosSteps, AnalyzeProfile.Quick.For("gpt-bytes").LanczosSteps);
    }

    [Fact]
    public void The_default_analysis_is_the_profile_with_trace_density_and_the_cheap_measures()
    {
        var o = AnalyzeRun.Options(Source, "out", AnalyzeProfile.Quick);
        Assert.Equal("analyze", o.Command);
        Assert.Equal("quick", o.Profile);
        Assert.Equal(AnalyzeProfile.Quick.BatchSize, o.Selection.BatchSize);
        Assert.Equal(1, o.Selection.MaxBatches);
        Assert.True(o.Analysis.Trace);
        Assert.True(o.Analysis.Esd);
        Assert.Equal(AnalyzeProfile.Quick.Runs, o.Analysis.Runs);
        Assert.Equal(AnalyzeProfile.Quick.LanczosSteps, o.Analysis.LanczosSteps);
        Assert.Equal(AnalyzeProfile.Quick.LandscapeSteps, o.LandscapeSteps);
        Assert.Equal(7, o.Analysis.Seed);
        Assert.Equal(MeasureFamilies.Cheap, o.Measures);
        Assert.False(o.SplitCurvature);
    }

    [Fact]
    public void A_profile_replaces_the_asked_sizes_and_keeps_the_other_settings()
    {
        var asked = AnalyzeRun.Options(Source, "out", AnalyzeProfile.Quick) with { Params = "fc*", PerLayer = true };
        var full = AnalyzeRun.Options(asked, AnalyzeProfile.Full);
        Assert.Equal(AnalyzeProfile.Full.BatchSize, full.Selection.BatchSize);
        Assert.Equal(AnalyzeProfile.Full.Runs, full.Analysis.Runs);
        Assert.True(full.SplitCurvature);
        Assert.Equal("fc*", full.Params);
        Assert.True(full.PerLayer);
        Assert.Equal("full", full.Profile);
    }
}
