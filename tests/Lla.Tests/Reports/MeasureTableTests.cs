using Lla.Measures;
using Lla.Reports;
using Lla.Runs;

namespace Lla.Tests.Reports;

/// <summary>The console table of measures (`lla measure`, `lla analyze`): exact cells for a value with and without a spread, and for none.</summary>
public class MeasureTableTests
{
    private static MeasureRecord Measure(string name, double? value, double? spread, int direction, double seconds, string? reason = null) => new(
        name, "flatness", value, reason, spread, direction, seconds, ForwardPasses: 1, BackwardPasses: 0,
        new MeasureDataRecord("idx:x", "train", 512, "train", "true"), NeedsLabels: true, NeedsInit: false, DataFree: false, null, null, "meaning");

    [Fact]
    public void Each_measure_is_a_row_of_name_family_value_direction_and_seconds()
    {
        var rows = MeasureTable.Rows(new[]
        {
            Measure("sam_sharpness", 0.0123456789, 0.00123, direction: 1, seconds: 1.234),
            Measure("margin", 12.3456789, null, direction: -1, seconds: 0.006),
            Measure("pacbayes_bound", null, null, direction: 1, seconds: 0, reason: "needs --init"),
        });
        Assert.Equal(new[] { "measure", "family", "value", "better", "seconds" }, MeasureTable.Columns);
        Assert.Equal(new[] { "sam_sharpness", "flatness", "0.012346 ± 0.0012", "lower", "1.23" }, rows[0]);
        Assert.Equal(new[] { "margin", "flatness", "12.346", "higher", "0.01" }, rows[1]);
        Assert.Equal(new[] { "pacbayes_bound", "flatness", "n/a: needs --init", "lower", "0.00" }, rows[2]);
    }

    [Fact]
    public void A_run_of_some_families_names_those_it_skipped()
    {
        var computed = MeasureFamilies.All.Where(f => f.Name != "norms" && f.Name != "flatness").ToArray();
        Assert.Equal("Measures skipped here: norms, flatness (the curvature family is the analysis below; `lla measure` computes every family)",
            MeasureTable.SkippedNote(computed));
    }
}
