using Lla.Curvature;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

/// <summary>
/// Per-layer analyses on the oracle's tanh MLP (fc1: 20 + 4 = 24 parameters, fc2: 12 + 3 = 15; float64)
/// against blocks of the explicit matrices. With 117 trace products every Hutch++ sketch spans its
/// block (≥ 39 columns) and Lanczos runs to the block's dimension, so traces and top eigenvalues are
/// exact up to rounding: 1e-8 relative is far above float64 rounding (~1e-13) and far below a wrong
/// block (which changes the values at order 1).
/// </summary>
public class PerLayerAnalysisTests
{
    public PerLayerAnalysisTests() => TestTorch.Init();

    private static readonly HessianAnalysisOptions Options = new()
    {
        TopK = 2, EigenTolerance = 1e-10, TraceApplications = 117, LanczosSteps = 39, Runs = 1, Seed = 3,
    };

    [Theory]
    [InlineData(CurvatureOperator.Hessian)]
    [InlineData(CurvatureOperator.Ggn)]
    public void Block_traces_and_top_eigenvalues_equal_the_explicit_blocks_and_sum_to_the_trace(CurvatureOperator kind)
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var full = kind == CurvatureOperator.Hessian ? oracle.Hessian() : oracle.Ggn();
        full = (full + full.t()) / 2;
        var fullTrace = HutchPlusPlus.Estimate(CurvatureOperators.Create(kind, oracle.Objective(), oracle.Parameters),
            new HutchPlusPlusOptions { Applications = 117, Seed = 4 });

        var result = PerLayerAnalysis.Run(kind, oracle.Objective(), oracle.Model, oracle.Parameters, Options, fullTrace);

        Assert.Equal(new[] { "fc1", "fc2" }, result.Layers.Select(l => l.Group.Name));
        Assert.Equal(new long[] { 24, 15 }, result.Layers.Select(l => l.Dimension));
        double exactSum = 0, scale = full.abs().sum().ToDouble();
        long offset = 0;
        foreach (var layer in result.Layers)
        {
            var block = full.narrow(0, offset, layer.Dimension).narrow(1, offset, layer.Dimension);
            offset += layer.Dimension;
            double trace = block.trace().ToDouble();
            exactSum += trace;
            Assert.True(Math.Abs(layer.Analysis.Trace!.Trace - trace) <= 1e-8 * scale, $"{layer.Group.Name}: trace {layer.Analysis.Trace.Trace} vs {trace}");
            var values = linalg.eigvalsh(block).data<double>().OrderByDescending(Math.Abs).ToArray();
            Assert.True(Math.Abs(layer.Analysis.Eigen!.Values[0] - values[0]) <= 1e-8 * Math.Abs(values[0]), $"{layer.Group.Name}: λ1 {layer.Analysis.Eigen.Values[0]} vs {values[0]}");
            Assert.NotNull(layer.Analysis.Criteria);
        }
        // The exact blocks partition the diagonal: their traces sum to the trace.
        Assert.True(Math.Abs(exactSum - full.trace().ToDouble()) <= 1e-12 * scale);
        Assert.True(Math.Abs(result.TraceSum - full.trace().ToDouble()) <= 1e-8 * scale, $"sum {result.TraceSum} vs {full.trace().ToDouble()}");
        Assert.True(Math.Abs(result.FullTrace!.Trace - result.TraceSum) <= 1e-8 * scale);
        Assert.True(result.TraceSumStandardError <= 1e-6 * scale, $"exact blocks have no residual error (got {result.TraceSumStandardError})");
    }

    [Fact]
    public void Params_globs_choose_the_layers_and_each_layer_draws_its_own_probes()
    {
        var oracle = new CurvatureOracle("mse", samples: 6);
        var only = ParameterSet.Of(oracle.Model, ParameterFilter.FromGlobs("fc2.*"));
        var options = Options with { TraceApplications = 6, LanczosSteps = 5 };
        var result = PerLayerAnalysis.Run(CurvatureOperator.Hessian, oracle.Objective(), oracle.Model, only, options, null);
        Assert.Equal("fc2", Assert.Single(result.Layers).Group.Name);
        Assert.Equal(options.Seed + 1 + 10, result.Layers[0].Analysis.Seeds["trace"]);
        // A stochastic block estimate carries its standard error into the sum's.
        Assert.True(result.TraceSumStandardError > 0);
        Assert.Null(result.FullTrace);
    }
}
