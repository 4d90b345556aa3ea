using System.Globalization;
using Lla.Studies.Scoring;

namespace Lla.Reports;

/// <summary>
/// The console leaderboard of `lla study score`: one row per measure with τ and Ψ and their 95% intervals, CMI, the
/// sign-error's mean, 90th percentile and maximum over the environments kept, and the models scored (numbers to 3
/// decimals, n/a where not finite). The command line draws it; nothing here computes a score.
/// </summary>
public static class ScoreBoard
{
    /// <summary>The table's header.</summary>
    public static readonly string[] Columns = { "measure", "τ (95% interval)", "Ψ (95% interval)", "CMI", "sign-error mean / p90 / max", "models" };

    /// <summary>The table's rows, in score.json's order.</summary>
    public static IReadOnlyList<string[]> Rows(ScoreResults results) => results.Scores.Select(s => new[]
    {
        s.Name, $"{N(s.Tau)} ({N(s.TauLow)} to {N(s.TauHigh)})", $"{N(s.Psi)} ({N(s.PsiLow)} to {N(s.PsiHigh)})", N(s.Cmi),
        $"{N(s.SignErrorMean)} / {N(s.SignErrorP90)} / {N(s.SignErrorMax)} ({s.EnvironmentsKept} env.)", s.Models.ToString(CultureInfo.InvariantCulture),
    }).ToArray();

    /// <summary>The line under the table: how many models, the sort order, where score.json went.</summary>
    public static string Footer(ScoreResults results, string folder) => $"{results.Models} models, sorted by {results.SortedBy}; wrote {Path.Combine(folder, ScoreRun.FileName)}";

    private static string N(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
