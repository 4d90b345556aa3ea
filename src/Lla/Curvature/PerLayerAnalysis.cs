using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>One parameter group's analysis: the block A_ll of the operator over that layer's parameters.</summary>
public sealed record LayerAnalysis(ParameterGroup Group, long Dimension, HessianAnalysisResult Analysis);

/// <summary>
/// Per-layer analyses and the trace check: Σ_l tr(A_ll) = tr(A) exactly, so the sum of the layers'
/// estimates (standard error √Σ se_l², the layers' probes being drawn independently of the full
/// estimate's) should agree with the independent full-operator estimate within their errors.
/// </summary>
public sealed record PerLayerResult(IReadOnlyList<LayerAnalysis> Layers, double TraceSum, double TraceSumStandardError, TraceResult? FullTrace);

/// <summary>
/// `--per-layer` (METHOD.md, "Per-layer spectra"): the run's analysis (top eigenpairs, trace, SLQ
/// density, criteria) of the chosen operator restricted to each parameter group of
/// <see cref="LayerGroups"/> (the block rule: a layer's weight and bias, a normalization's scale and shift), within the parameters the run
/// analyses. The block A_ll is the operator built on that group's parameters alone: its products
/// differentiate with respect to those parameters only, which is the full product with v masked
/// outside the block before and after, without computing the rest.
/// </summary>
public static class PerLayerAnalysis
{
    /// <summary>
    /// Layer <paramref name="index"/>'s analysis: the run's, with the trace and the density always on, top-k at
    /// most the block's size, and its own seed (the run's + 10·(index + 1)), so its probes are drawn
    /// independently of the other layers' and of the full estimate's (the same seed would make them prefixes of the same vectors).
    /// </summary>
    public static HessianAnalysisOptions OptionsFor(HessianAnalysisOptions options, int index, long dimension) =>
        options with { Trace = true, Esd = true, TopK = (int)Math.Min(options.TopK, dimension), Seed = options.Seed + 10 * (index + 1) };

    /// <param name="parameters">The run's parameters (after its `--params` globs); their layers are analysed.</param>
    /// <param name="fullTrace">The independent trace estimate of the whole operator (the run's own), shown beside the sum.</param>
    public static PerLayerResult Run(CurvatureOperator kind, Objective objective, nn.Module model, ParameterSet parameters,
        HessianAnalysisOptions options, TraceResult? fullTrace, IProcessGroup? group = null, Action<AnalysisProgress>? progress = null)
    {
        var layers = new List<LayerAnalysis>();
        foreach (var (layer, index) in LayerGroups.Of(parameters).Select((g, i) => (g, i)))
        {
            var block = layer.Of(model);
            var op = CurvatureOperators.Create(kind, objective, block, group);
            var analysis = HessianAnalysis.Run(op, OptionsFor(options, index, block.Dimension),
                progress is null ? null : p => progress(p with { Stage = $"{layer.Name}: {p.Stage}" }));
            layers.Add(new LayerAnalysis(layer, block.Dimension, analysis));
        }
        return Summarize(layers, fullTrace);
    }

    public static PerLayerResult Summarize(IReadOnlyList<LayerAnalysis> layers, TraceResult? fullTrace)
    {
        double sum = layers.Sum(l => l.Analysis.Trace!.Trace);
        // A block estimated exactly (sketch spanning it) has no residual probes: its error is 0, not unknown.
        double variance = layers.Sum(l => double.IsFinite(l.Analysis.Trace!.StandardError) ? l.Analysis.Trace.StandardError * l.Analysis.Trace.StandardError : 0);
        return new PerLayerResult(layers, sum, Math.Sqrt(variance), fullTrace);
    }

    /// <summary>Checks before any work that each layer's analysis fits in memory.</summary>
    public static void CheckFits(HessianAnalysisOptions options, ParameterSet parameters)
    {
        foreach (var layer in LayerGroups.Of(parameters))
        {
            long n = parameters.Layout.Names.Select((name, i) => (name, i)).Where(t => layer.Includes(t.name)).Sum(t => parameters.Layout.Sizes[t.i]);
            HessianAnalysis.CheckFits(OptionsFor(options, 0, n), n, parameters.DType);
        }
    }
}
