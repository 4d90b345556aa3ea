using System.Text.Json.Nodes;
using Lla.Reports;
using Lla.Studies;

namespace Lla.Tests.Reports;

/// <summary>The console lines after `lla study`: a blank line, the findings, the leaderboard's verdict (blank without one), the files written and the time taken.</summary>
public class StudySummaryTests
{
    [Fact]
    public void The_findings_then_the_files_written_and_the_time()
    {
        var results = new StudyResults
        {
            Study = "quick", Config = new JsonObject(), Meta = new StudyMeta(), Findings = ["finding one", "finding two"],
            HesdTypes = [], Correlations = [], WithinModel = [], Rows = [],
        };
        Assert.Equal(new[]
        {
            "", "finding one", "finding two", "",
            $"wrote {StudyResults.FileName}, {StudyTable.FileName}, {StudyTable.LeaderboardFile}, {LeaderboardResults.ModelsFile}, table.json, report.md, figure.png and {StudyRun.MeasurementsFile} to study-quick (125 s)",
        }, StudySummary.Lines(results, ["report.md", "figure.png"], "study-quick", TimeSpan.FromSeconds(124.6)));
    }
}
