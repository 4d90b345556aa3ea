using System.Globalization;
using System.Text;

namespace Lla.Studies;

/// <summary>table.csv: one row per model × dataset (RFC 4180 quoting), the cells as text.</summary>
public static class StudyTable
{
    public const string FileName = "table.csv";

    public static readonly string[] Columns =
    {
        "model", "dataset", "reference", "hesd_type", "accuracy", "loss",
        "re", "re_std_runs", "re_std_batches", "kh", "kh_std_runs", "kh_std_batches", "ct", "ct_std_runs", "ct_std_batches",
        "delta_accuracy", "delta_re", "delta_kh", "hvps", "seconds",
    };

    public static string[] Cells(StudyRow r)
    {
        var m = r.Measurement;
        static string N(double? v) => v is double x && double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
        return new[]
        {
            m.Model, m.Dataset, r.Reference ? "yes" : "no", m.HesdType, N(m.Accuracy), N(m.Loss),
            N(m.Re.Mean), N(m.Re.StdOverRuns), N(m.Re.StdOverBatches), N(m.Kh.Mean), N(m.Kh.StdOverRuns), N(m.Kh.StdOverBatches),
            N(m.Ct.Mean), N(m.Ct.StdOverRuns), N(m.Ct.StdOverBatches), N(r.DeltaAccuracy), N(r.DeltaRe), N(r.DeltaKh),
            m.Hvps.ToString(CultureInfo.InvariantCulture), N(m.Seconds),
        };
    }

    public static string Csv(StudyOutcome outcome)
    {
        var csv = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var row in outcome.Rows) csv.AppendLine(string.Join(",", Cells(row).Select(Quote)));
        return csv.ToString();
    }

    private static string Quote(string cell) => cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
