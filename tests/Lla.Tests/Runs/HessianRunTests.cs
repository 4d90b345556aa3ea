using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>The Hessian job in-process: a typed result equal to what it wrote, and nothing written when it fails.</summary>
public class HessianRunTests
{
    private static HessianRunOptions Options(string outDir, string weights) => new()
    {
        Source = new ModelSource("lenet", weights, "idx:" + Paths.EmbeddedData, TorchSharp.torch.ScalarType.Float32, 42),
        Selection = new DataSelection(Split.Train, BatchSize: 128, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
        Analysis = new HessianAnalysisOptions { TopK = 2, Trace = false, Esd = true, Runs = 1, LanczosSteps = 12, Seed = 3 },
        OutDir = outDir,
    };

    [Fact]
    public void The_job_returns_the_results_it_wrote_with_the_schema_version_and_stored_density()
    {
        TestTorch.Init();
        string dir = Path.Combine(Paths.NewTempFolder(), "run");
        var results = HessianRun.Execute(Options(dir, Paths.EmbeddedWeights));
        var read = ResultsSerializer.ReadRun(dir);
        Assert.Equal(ResultsSerializer.SchemaVersion, read.SchemaVersion);
        Assert.Equal(results.Hessian!.TopEigenvalues, read.Hessian!.TopEigenvalues);
        Assert.Equal(results.Hessian.Criteria!.Re, read.Hessian.Criteria!.Re);
        Assert.Equal(HessianRecords.DensityBins, read.Hessian.Esd!.Density!.Lambda.Count);
        Assert.True(File.Exists(Path.Combine(dir, EigenvectorFile.FileName)));
        Assert.Empty(read.Figures); // the job draws nothing; a renderer fills this in
    }

    [Fact]
    public void A_failing_run_leaves_no_folder()
    {
        TestTorch.Init();
        string dir = Path.Combine(Paths.NewTempFolder(), "run");
        string bad = Path.Combine(Paths.NewTempFolder(), "bad.bin");
        File.WriteAllBytes(bad, new byte[] { 1, 2, 3 });
        Assert.Throws<LlaException>(() => HessianRun.Execute(Options(dir, bad)));
        Assert.False(Directory.Exists(dir));
    }
}
