using Lla.Curvature;
using Lla.Runs;

namespace Lla.Tests.Runs;

/// <summary>Progress as plain lines (redirected output): a stage's start, lines at most every two seconds, always its end, and the time left at the stage's pace.</summary>
public class ProgressLinesTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void A_stage_starts_then_reports_at_most_every_two_seconds_with_the_time_left_and_always_its_end()
    {
        var lines = new ProgressLines();
        Assert.Equal("[00:10] eigenpairs: started", lines.Next(new AnalysisProgress("eigenpairs", 0, 100), S(10)));
        Assert.Null(lines.Next(new AnalysisProgress("eigenpairs", 10, 100), S(11.9)));
        // 20 of 100 HVPs in 4 s since the stage began: 80 left at 0.2 s each.
        Assert.Equal("[00:14] eigenpairs: 20 HVPs of 100, about 00:16 left", lines.Next(new AnalysisProgress("eigenpairs", 20, 100), S(14)));
        Assert.Null(lines.Next(new AnalysisProgress("eigenpairs", 30, 100), S(15)));
        Assert.Equal("[00:15] eigenpairs: 100 HVPs of 100, about 00:00 left", lines.Next(new AnalysisProgress("eigenpairs", 100, 100), S(15)));
        // A new stage starts its own clock; without a total there is no estimate.
        Assert.Equal("[00:20] landscape: started", lines.Next(new AnalysisProgress("landscape", 0, null, "points"), S(20)));
        Assert.Equal("[01:05] landscape: 7 points", lines.Next(new AnalysisProgress("landscape", 7, null, "points"), S(65)));
    }

    [Fact]
    public void Nothing_done_yet_has_no_estimate()
    {
        var lines = new ProgressLines();
        lines.Next(new AnalysisProgress("trace", 0, 30), S(0));
        Assert.Equal("[00:03] trace: 0 HVPs", lines.Next(new AnalysisProgress("trace", 0, 30), S(3)));
    }

    [Theory]
    [InlineData(4, 20, 100, 16)]
    [InlineData(90, 3, 4, 30)]
    [InlineData(7200, 1, 25, 172800)]
    public void The_time_left_is_the_pace_so_far_times_the_units_left(double elapsed, long done, long total, double expected) =>
        Assert.Equal(expected, ProgressLines.SecondsLeft(S(elapsed), done, total), 9);
}
