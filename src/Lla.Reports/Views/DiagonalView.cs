using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "diagonal" payload: the per-layer summary of the Hutchinson diagonal (the entries are in the run folder's file).</summary>
public sealed class DiagonalView : IResultsView
{
    public int Order => 40;

    public IEnumerable<string> Files(RunResults results) => [];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale) => [];

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.Diagonal is not { } d) yield break;
        var rows = d.Layers.Select(l => (IReadOnlyList<string>)[l.Name, Count(l.Entries), N(l.Mean), N(l.Max), PlusMinus(l.Sum, l.SumStderr)]).ToList();
        rows.Add(["all", "", "", "", PlusMinus(d.Sum, d.SumStderr)]);
        yield return new PageSection($"Diagonal of the {(d.Operator == "hessian" ? "Hessian" : d.Operator)} (Hutchinson, {d.Probes} probes)",
        [
            new TableBlock(["layer", "entries", "mean", "max", "sum ± standard error"], rows),
            new TextBlock($"Every entry and its standard error are in {d.File} (per parameter: diagonal.NAME, stderr.NAME). " +
                "The layers' sums add up to the trace's Hutchinson estimate with the same probes.", Muted: true),
        ]);
    }
}
