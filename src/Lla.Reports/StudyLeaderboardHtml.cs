using System.Net;
using System.Text;
using Lla.Studies;

namespace Lla.Reports;

/// <summary>The study page's lead: the verdict paragraph and the leaderboard (every measure scored across datasets and across models).</summary>
public static class StudyLeaderboardHtml
{
    public static string Section(LeaderboardResults board)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string F(double? v) => v is double x ? StudyLeaderboard.F(x) : "n/a";
        static string Iv(double v, double low, double high) => double.IsFinite(v) ? $"{F(v)} [{F(low)}, {F(high)}]" : "n/a";
        static string Ci(EstimateRecord? e) => e is null ? "n/a" : Iv(e.Value, e.Low, e.High);
        var h = new StringBuilder();
        h.Append("<h2>Which measure predicts generalization?</h2>")
         .Append($"<p><b>{E(board.Verdict)}</b></p>")
         .Append($"<p>Across datasets: {E(board.AcrossDatasets)}. Across models: {E(board.AcrossModels)}")
         .Append(board.Axes.Count > 0 ? $" (axes: {E(string.Join(", ", board.Axes))}; test-set size {board.TestSize}; the same scores from <code>{E(board.ScoreCommand)}</code>)" : "")
         .Append($". Sorted by {E(board.SortedBy)}. Cost: seconds per model and dataset, shared work counted in each measure that needed it.</p>");
        h.Append("<table><tr><th>measure</th><th>family</th><th>needs labels</th><th>cost (s)</th><th>ρ MP models</th><th>τ MP models</th>")
         .Append("<th>ρ all models</th><th>τ all models</th><th>τ across models</th><th>Ψ</th><th>CMI</th><th>sign-error mean [95% CI]</th><th>p90 / max</th><th>environments kept</th></tr>");
        foreach (var e in board.Entries)
        {
            var s = e.AcrossModels;
            h.Append($"<tr><td>{E(e.Measure)}</td><td>{E(e.Family)}</td><td>{(e.NeedsLabels ? "yes" : "no")}</td><td>{F(e.SecondsPerModel)}</td>")
             .Append($"<td>{Ci(e.MpModels?.Spearman)}</td><td>{Ci(e.MpModels?.Kendall)}</td><td>{Ci(e.AllModels?.Spearman)}</td><td>{Ci(e.AllModels?.Kendall)}</td>")
             .Append(s is null ? string.Concat(Enumerable.Repeat("<td>not testable</td>", 6))
                : $"<td>{Iv(s.Tau, s.TauLow, s.TauHigh)}</td><td>{Iv(s.Psi, s.PsiLow, s.PsiHigh)}</td><td{(s.CmiReason is { } why ? $" title=\"{E(why)}\"" : "")}>{F(s.Cmi)}</td>"
                  + $"<td>{Iv(s.SignErrorMean, s.SignErrorMeanLow, s.SignErrorMeanHigh)}</td><td>{F(s.SignErrorP90)} / {F(s.SignErrorMax)}</td><td>{s.EnvironmentsKept} of {s.Environments}</td>")
             .Append("</tr>");
        }
        h.Append("</table>");
        if (board.Shifts.Count > 0)
        {
            var measures = board.Shifts[0].Measures.Select(m => m.Measure).ToList();
            h.Append("<h3>Which shifts?</h3><p>Per shift, over the trained models: the mean accuracy drop; per measure, the models where it moved the way the accuracy did ")
             .Append("(direction·Δmeasure and the drop of the same sign) and Spearman ρ across models on that shift alone (does it rank the models' drops?), 95% interval from resampling models.</p>")
             .Append("<table><tr><th>shift</th><th>models</th><th>mean accuracy drop</th>");
            foreach (string m in measures) h.Append($"<th>{E(m)}: moved with accuracy</th><th>{E(m)}: ρ across models</th>");
            h.Append("</tr>");
            foreach (var s in board.Shifts)
            {
                h.Append($"<tr><td>{E(s.Shift)}</td><td>{s.Models}</td><td>{(s.MeanAccuracyDrop is double d ? (d * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " points" : "n/a")}</td>");
                foreach (var m in s.Measures) h.Append($"<td>{m.Right}/{m.Scored}</td><td>{Ci(m.Spearman)}</td>");
                h.Append("</tr>");
            }
            h.Append("</table>");
        }
        return h.ToString();
    }
}
