using Lla.Landscapes;
using Lla.Reports;

namespace Lla.Tests.Reports;

/// <summary>The console lines after `lla landscape`: planes and points, the loss at the centre, points kept on resume, the --all-modes panel, where the results are.</summary>
public class LandscapeSummaryTests
{
    [Fact]
    public void One_plane_its_points_and_the_loss_at_the_centre_then_the_points_kept_and_the_results()
    {
        var results = FullResults.Every() with { Loss = 1.23456789, Perplexity = 3.4567891 };
        results = results with { Landscapes = [results.Landscapes[0] with { PointsResumed = 4 }] };
        var asked = new PlanesAsked(AxesKind.Random, null, null, null, null, AllModes: false, Seed: 42);
        Assert.Equal(new[]
        {
            "1 landscape of 9 points each; loss at the centre 1.23457 (perplexity 3.45679)",
            "random axes, filter-L2: 4 of 9 points kept from the interrupted run",
            $"Results: {Path.Combine("/runs/l", "results.json")}; open report.html there in a browser for the report",
        }, LandscapeSummary.Lines(results, asked, asked.Planes(), "/runs/l"));
    }

    [Fact]
    public void All_modes_names_its_panel_first()
    {
        var results = FullResults.Every() with { Perplexity = null };
        var asked = new PlanesAsked(null, null, null, null, null, AllModes: true, Seed: 42);
        var planes = asked.Planes();
        var lines = LandscapeSummary.Lines(results, asked, planes, "/runs/l");
        Assert.Equal($"--all-modes: random axes, then hessian axes: {string.Join("; ", planes.Select(p => p.Label))}", lines[0]);
        Assert.Equal($"{planes.Count} landscapes of 9 points each; loss at the centre 1", lines[1]);
        Assert.Equal(3, lines.Count);
    }
}
