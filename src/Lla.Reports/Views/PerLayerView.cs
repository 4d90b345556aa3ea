using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "per_layer" payload: a table per layer, the two trace estimates side by side, small multiples of the densities (per-layer.png).</summary>
public sealed class PerLayerView : IResultsView
{
    public const string PerLayerFigure = "per-layer.png";

    public int Order => 30;

    public IEnumerable<string> Files(RunResults results) => [PerLayerFigure];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        if (results.PerLayer is not { Layers.Count: > 0 } perLayer || !perLayer.Layers.Any(l => EsdPlot.CanDraw(l.Analysis.Esd?.Density))) return [];
        PerLayerPlot.Save(Path.Combine(folder, PerLayerFigure), perLayer);
        return [PerLayerFigure];
    }

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.PerLayer is not { Layers.Count: > 0 } p) yield break;
        yield return new PageSection("Per-layer spectra",
        [
            new TableBlock(["layer", "parameters", "λ1", "trace", "re", "Kh", "Ct", "HESD type"], p.Layers.Select(l =>
            {
                var a = l.Analysis;
                var c = a.Criteria;
                return (IReadOnlyList<string>)[l.Name, Count(l.Dimension), N(a.TopEigenvalues is { Count: > 0 } v ? v[0] : null, 5), PlusMinus(a.Trace, a.TraceStderr),
                    N(c?.Re), c is { Kh: null } ? "∞" : N(c?.Kh), N(c?.Ct), c?.HesdType ?? "n/a"];
            }).ToArray()),
            new TextBlock($"Sum of the layers' trace estimates: {PlusMinus(p.TraceSum, p.TraceSumStderr)}; the independent full-trace estimate: " +
                $"{(p.FullTrace is null ? "n/a" : PlusMinus(p.FullTrace, p.FullTraceStderr))}. Exactly they are equal (the blocks partition the diagonal); " +
                "the two estimates differ by their sampling errors."),
            new PlotBlock("layer-densities", "per_layer"),
        ]);
    }
}
