using Lla.Landscapes;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>The console lines after a landscape run, from its results: nothing here computes a result.</summary>
public static class LandscapeSummary
{
    /// <summary>
    /// With --all-modes, the panel drawn; the planes, their points and the loss at the centre; each plane's points kept from an
    /// interrupted run; where the results are (<paramref name="folder"/>, the run folder's full path).
    /// </summary>
    public static IReadOnlyList<string> Lines(RunResults results, PlanesAsked asked, IReadOnlyList<PlaneSpec> planes, string folder)
    {
        var lines = new List<string>();
        var counts = results.Landscapes.Select(l => l.Alphas.Count * l.Betas.Count).Distinct();
        if (asked.AllModes) lines.Add($"--all-modes: random axes, then {asked.AxesDrawn.Name()} axes: {string.Join("; ", planes.Select(pl => pl.Label))}");
        lines.Add(FormattableString.Invariant($"{planes.Count} landscape{(planes.Count == 1 ? "" : "s")} of {string.Join(", ", counts)} points each; loss at the centre {results.Loss:G6}")
            + (results.Perplexity is double perplexity ? FormattableString.Invariant($" (perplexity {perplexity:G6})") : ""));
        foreach (var l in results.Landscapes.Where(l => l.PointsResumed > 0))
            lines.Add($"{l.Label}: {l.PointsResumed} of {l.Alphas.Count * l.Betas.Count} points kept from the interrupted run");
        lines.Add($"Results: {Path.Combine(folder, ResultsSerializer.ResultsFile)}; open {HtmlReport.FileName} there in a browser for the report");
        return lines;
    }
}
