using System.Globalization;
using System.Text;

namespace Lla.Studies;

/// <summary>
/// table.csv: one row per model × dataset (RFC 4180 quoting), the cells as text, then each further
/// measure's mean; leaderboard.csv: one row per measure, in the leaderboard's order.
/// </summary>
public static class StudyTable
{
    public const string FileName = "table.csv";
    public const string LeaderboardFile = "leaderboard.csv";

    public static readonly string[] LeaderboardColumns =
    {
        "measure", "family", "direction", "needs_labels", "data_free", "seconds_per_model_and_dataset",
        "rho_mp", "rho_mp_low", "rho_mp_high", "tau_mp", "tau_mp_low", "tau_mp_high", "mp_models",
        "rho_all", "rho_all_low", "rho_all_high", "tau_all", "tau_all_low", "tau_all_high", "all_models",
        "across_models_tau", "across_models_tau_low", "across_models_tau_high", "psi", "psi_low", "psi_high", "cmi",
        "sign_error_mean", "sign_error_p90", "sign_error_max", "environments_kept",
    };

    /// <summary>leaderboard.csv: empty cells where a score is n/a (data-free across datasets) or not testable (no axes).</summary>
    public static string LeaderboardCsv(LeaderboardResults board)
    {
        static string N(double? v) => v is double x && double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
        static IEnumerable<string> Across(AcrossDatasetRecord? a) => a is null ? Enumerable.Repeat("", 7)
            : new[] { N(a.Spearman.Value), N(a.Spearman.Low), N(a.Spearman.High), N(a.Kendall.Value), N(a.Kendall.Low), N(a.Kendall.High), a.Spearman.Groups.ToString(CultureInfo.InvariantCulture) };
        var csv = new StringBuilder().AppendLine(string.Join(",", LeaderboardColumns));
        foreach (var e in board.Entries)
        {
            var s = e.AcrossModels;
            var cells = new[] { e.Measure, e.Family, e.Direction.ToString(CultureInfo.InvariantCulture), e.NeedsLabels ? "yes" : "no", e.DataFree ? "yes" : "no", N(e.SecondsPerModel) }
                .Concat(Across(e.MpModels)).Concat(Across(e.AllModels))
                .Concat(s is null ? Enumerable.Repeat("", 11) : new[] { N(s.Tau), N(s.TauLow), N(s.TauHigh), N(s.Psi), N(s.PsiLow), N(s.PsiHigh), N(s.Cmi),
                    N(s.SignErrorMean), N(s.SignErrorP90), N(s.SignErrorMax), s.EnvironmentsKept.ToString(CultureInfo.InvariantCulture) });
            csv.AppendLine(string.Join(",", cells.Select(Quote)));
        }
        return csv.ToString();
    }

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
        var measures = rows.SelectMany(r => r.Measures?.Keys ?? Enumerable.Empty<string>()).Distinct().Where(m => !Columns.Contains(m)).Order(StringComparer.Ordinal).ToList();
        static string N(double? v) => v is double x && double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
        var csv = new StringBuilder().AppendLine(string.Join(",", Columns.Concat(measures)));
        foreach (var row in rows)
            csv.AppendLine(string.Join(",", Cells(row).Concat(measures.Select(m => row.Measures?.GetValueOrDefault(m)?.Mean is double v ? N(v) : "")).Select(Quote)));
        return csv.ToString();
    }

    private static string Quote(string cell) => cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
