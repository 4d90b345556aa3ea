using Lla.Analysis;
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
        // The job stores its conclusions and draws nothing: figures and their list are the reports'.
        var c = read.Hessian.Criteria;
        Assert.Equal(HesdTypes.Meaning(HesdTypes.Parse(c.HesdType), c.Ct!.Value, c.CtThreshold), c.Meaning);
        Assert.False(File.Exists(Path.Combine(dir, Lla.Reports.FigureManifest.FileName)));
        Assert.Empty(Directory.GetFiles(dir, "*.png"));
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

    [Fact]
    public void The_ggn_operator_runs_through_the_job_and_its_spectrum_has_no_negative_mass()
    {
        TestTorch.Init();
        string dir = Path.Combine(Paths.NewTempFolder(), "run");
        var results = HessianRun.Execute(Options(dir, Paths.EmbeddedWeights) with { Operator = CurvatureOperator.Ggn });
        Assert.Equal("ggn", results.Hessian!.Operator);
        Assert.Equal("ggn", ResultsSerializer.ReadRun(dir).Hessian!.Operator);
        double top = results.Hessian.TopEigenvalues![0];
        // G is positive semi-definite: every Ritz value is ≥ 0 up to float32 rounding (relative 1e-4 of λmax).
        foreach (var node in results.Hessian.Esd!.Runs.SelectMany(r => r.Nodes)) Assert.True(node >= -1e-4 * top, $"node {node}, λmax {top}");
        Assert.True(results.Hessian.Criteria!.Re < 0.01, $"re {results.Hessian.Criteria.Re}"); // no negative curvature to speak of
    }

    [Fact]
    public void Xtrace_is_a_trace_method_of_the_analysis_and_exact_for_a_low_rank_operator()
    {
        TestTorch.Init();
        // A rank-3 symmetric 30×30 matrix: XTrace with m = 10 (rank ≤ m/2 − 1) is exact.
        var q = torch.linalg.qr(torch.randn(30, 3, dtype: ScalarType.Float64, generator: new torch.Generator(5))).Q;
        var a = q.matmul(torch.diag(torch.tensor(new[] { 5.0, -2.0, 0.5 }, ScalarType.Float64))).matmul(q.T);
        var op = new DenseOperator(a);
        var result = HessianAnalysis.Run(op, new HessianAnalysisOptions { TopK = 0, Esd = false, Trace = true, TraceMethod = TraceMethod.XTrace, TraceApplications = 10 });
        Assert.Equal("xtrace", result.Trace!.Method);
        Assert.Equal(3.5, result.Trace.Trace, 9);
        Assert.Throws<LlaException>(() => HessianAnalysis.Run(op, new HessianAnalysisOptions { TopK = 0, Esd = false, TraceMethod = TraceMethod.XTrace, TraceApplications = 9 }));
    }
}
