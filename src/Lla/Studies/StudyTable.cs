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

    public static string[] Cells(StudyRowRecord r)
    {
        static string N(double? v) => v is double x && double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
        return new[]
        {
            r.Model, r.Dataset, r.Reference ? "yes" : "no", r.HesdType, N(r.Accuracy), N(r.Loss),
            N(r.Re.Mean), N(r.Re.StdOverRuns), N(r.Re.StdOverBatches), N(r.Kh.Mean), N(r.Kh.StdOverRuns), N(r.Kh.StdOverBatches),
            N(r.Ct.Mean), N(r.Ct.StdOverRuns), N(r.Ct.StdOverBatches), N(r.DeltaAccuracy), N(r.DeltaRe), N(r.DeltaKh),
            r.Hvps.ToString(CultureInfo.InvariantCulture), N(r.Seconds),
        };
    }

    public static string Csv(IReadOnlyList<StudyRowRecord> rows)
    {
        var csv = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var row in rows) csv.AppendLine(string.Join(",", Cells(row).Select(Quote)));
        return csv.ToString();
    }

    private static string Quote(string cell) => cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
