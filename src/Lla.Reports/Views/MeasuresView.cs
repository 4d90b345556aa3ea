using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "measures" payload: each generalization measure's stored value, spread, direction and meaning.</summary>
public sealed class MeasuresView : IResultsView
{
    public int Order => 70;

    public IEnumerable<string> Files(RunResults results) => [];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale) => [];

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.Measures is not { Count: > 0 } measures) yield break;
        yield return new PageSection("Generalization measures",
        [
            new TableBlock(["measure", "value", "better", "what it means", "seconds"], measures.Select(m => (IReadOnlyList<string>)[
                m.Name, m.Value is double v ? PlusMinus(v, m.Spread) : $"n/a: {m.Reason}", m.Direction > 0 ? "lower" : "higher", m.Meaning, N(m.Seconds, 3)]).ToArray()),
        ]);
    }
}
