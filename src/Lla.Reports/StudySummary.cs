using Lla.Studies;

namespace Lla.Reports;

/// <summary>The console lines after a study, from its results: nothing here computes a result.</summary>
public static class StudySummary
{
    /// <summary>
    /// A blank line, the findings and the leaderboard's verdict, then the files written to <paramref name="folder"/> (those of the run,
    /// then the report's <paramref name="reportFiles"/>) and how long the study took.
    /// </summary>
    public static IReadOnlyList<string> Lines(StudyResults results, IReadOnlyList<string> reportFiles, string folder, TimeSpan took)
    {
        var written = new[] { StudyResults.FileName, StudyTable.FileName, StudyTable.LeaderboardFile, LeaderboardResults.ModelsFile, "table.json" }.Concat(reportFiles);
        return results.Findings.Append(results.Leaderboard?.Verdict ?? "").Prepend("")
            .Append(FormattableString.Invariant($"wrote {string.Join(", ", written)} and {StudyRun.MeasurementsFile} to {folder} ({took.TotalSeconds:F0} s)")).ToArray();
    }
}
