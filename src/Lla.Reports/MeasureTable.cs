using System.Globalization;
using Lla.Measures;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// The console table of generalization measures (`lla measure`, and `lla analyze`'s cheap families): one row per
/// measure with its name, family, value ± spread (or why there is none), the better direction and its seconds.
/// The command line draws it; nothing here computes a result.
/// </summary>
public static class MeasureTable
{
    /// <summary>The table's header.</summary>
    public static readonly string[] Columns = { "measure", "family", "value", "better", "seconds" };

    /// <summary>The table's rows, in the measures' order.</summary>
    public static IReadOnlyList<string[]> Rows(IReadOnlyList<MeasureRecord> measures) =>
        measures.Select(m => new[] { m.Name, m.Family, Value(m), m.Direction > 0 ? "lower" : "higher", m.Seconds.ToString("F2", CultureInfo.InvariantCulture) }).ToArray();

    /// <summary>"0.12346 ± 0.0012" (5 and 2 significant digits), the value alone without a spread, "n/a: REASON" without a value.</summary>
    public static string Value(MeasureRecord m) => m.Value is double v
        ? v.ToString("G5", CultureInfo.InvariantCulture) + (m.Spread is double s ? " ± " + s.ToString("G2", CultureInfo.InvariantCulture) : "")
        : $"n/a: {m.Reason}";

    /// <summary>The note under the table of a run that computed only <paramref name="computed"/>: the families it skipped and where they are computed.</summary>
    public static string SkippedNote(IReadOnlyList<MeasureFamily> computed) =>
        $"Measures skipped here: {string.Join(", ", MeasureFamilies.All.Except(computed).Select(f => f.Name))} (the curvature family is the analysis below; `lla measure` computes every family)";
}
