using Lla.Reports;

namespace Lla.Tests.Reports;

/// <summary>The console lines after `lla connect`: each path's barriers and highest train loss, the verdict as stored, where the results are.</summary>
public class ConnectSummaryTests
{
    [Fact]
    public void Each_path_then_the_verdict_then_the_results()
    {
        Assert.Equal(new[]
        {
            "linear: train barrier 0.45, test barrier 0.35, highest train loss 1.5",
            "linear, aligned: train barrier 0.45, test barrier 0.35, highest train loss 1.5",
            FullResults.ConnectionSentence,
            "Results: /runs/c; open report.html there for the report",
        }, ConnectSummary.Lines(FullResults.Every(), "/runs/c"));
    }
}
