using System.Globalization;
using System.Text;
using Lla.Studies;

namespace Lla.Reports;

/// <summary>
/// leaderboard.md: the study's leaderboard as Markdown tables, ready to paste into a README or a
/// paper: the verdict, the leaderboard (ρ and τ across datasets with intervals; across models τ, Ψ,
/// CMI and the mean sign-error) and the per-shift table. Numbers as study.json holds them, rounded to 2
/// decimals (3 for costs under a second).
/// </summary>
public static class StudyLeaderboardMarkdown
{
    public const string FileName = "leaderboard.md";

    public static string Render(string studyName, LeaderboardResults board)
    {
        static string F(double? v) => v is double x && double.IsFinite(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
        static string Iv(double v, double low, double high) => double.IsFinite(v) ? $"{F(v)} [{F(low)}, {F(high)}]" : "n/a";
        static string Ci(EstimateRecord? e) => e is null ? "n/a" : Iv(e.Value, e.Low, e.High);
        static string Cost(double? s) => s is double x ? x.ToString(x < 1 ? "0.000" : "0.0", CultureInfo.InvariantCulture) : "n/a";
        var md = new StringBuilder();
        md.Append($"## Leaderboard of study \"{studyName}\"\n\n{board.Verdict}\n\n");
        md.Append($"Sorted by {board.SortedBy}. Across datasets: ρ and τ_b of direction·Δmeasure with the accuracy drop (positive = good), 95% intervals over models. ");
        md.Append(board.Axes.Count > 0 ? $"Across models (axes {string.Join(", ", board.Axes)}; test set {board.TestSize}): τ_b with the gap, Ψ, CMI (the PGDL competition's score, 0–1; n/a: no pair of axes could be scored), mean sign-error over the environments kept.\n\n"
            : $"Across models: {board.AcrossModels}.\n\n");
        md.Append("| measure | family | labels | s per model·dataset | ρ MP models | ρ all models | τ all models | τ across models | Ψ | CMI | sign-error mean (kept) |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var e in board.Entries)
        {
            var s = e.AcrossModels;
            md.Append($"| `{e.Measure}` | {e.Family} | {(e.NeedsLabels ? "yes" : "no")} | {Cost(e.SecondsPerModel)} | {Ci(e.MpModels?.Spearman)} | {Ci(e.AllModels?.Spearman)} | {Ci(e.AllModels?.Kendall)} | ");
            md.Append(s is null ? "not testable | not testable | not testable | not testable |\n"
                : $"{Iv(s.Tau, s.TauLow, s.TauHigh)} | {F(s.Psi)} | {F(s.Cmi)} | {F(s.SignErrorMean)} ({s.EnvironmentsKept} of {s.Environments}) |\n");
        }
        var empty = board.Entries.Where(e => !e.DataFree && !(e.AllModels?.Spearman.Value is double r && double.IsFinite(r))
            && !(e.AcrossModels?.Tau is double t && double.IsFinite(t))).Select(e => $"`{e.Measure}`").ToList();
        if (empty.Count > 0)
            md.Append($"\nNot scorable here: {string.Join(", ", empty)} (no finite value to rank; the over-margin norms are undefined when the 10th-percentile margin is ≤ 0).\n");
        foreach (var reason in board.Entries.Where(e => e.AcrossModels?.CmiReason is not null).GroupBy(e => e.AcrossModels!.CmiReason!))
            md.Append($"\nCMI n/a for {string.Join(", ", reason.Select(e => $"`{e.Measure}`"))}: {reason.Key}.\n");
        if (board.Shifts.Count > 0)
        {
            var measures = board.Shifts[0].Measures.Select(m => m.Measure).ToList();
            md.Append("\nPer shift: models where the measure moved the way the accuracy did; ρ across models on that shift.\n\n");
            md.Append("| shift | mean accuracy drop | " + string.Join(" | ", measures.Select(m => $"`{m}`")) + " |\n");
            md.Append("|---|---|" + string.Concat(measures.Select(_ => "---|")) + "\n");
            foreach (var shift in board.Shifts)
                md.Append($"| {shift.Shift} | {(shift.MeanAccuracyDrop is double d ? (d * 100).ToString("0.0", CultureInfo.InvariantCulture) + " points" : "n/a")} | "
                    + string.Join(" | ", shift.Measures.Select(m => $"{m.Right}/{m.Scored}, ρ {F(m.Spearman.Value)}")) + " |\n");
        }
        return md.ToString();
    }
}
