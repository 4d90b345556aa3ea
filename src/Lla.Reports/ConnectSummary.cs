using Lla.Runs;

namespace Lla.Reports;

/// <summary>The console lines after a connect run, from its results: nothing here computes a result.</summary>
public static class ConnectSummary
{
    /// <summary>Each path's train and test barriers and highest train loss, the verdict if any, where the results are (<paramref name="folder"/>, the run folder's full path).</summary>
    public static IReadOnlyList<string> Lines(RunResults results, string folder)
    {
        var lines = results.Paths!.Select(path => FormattableString.Invariant(
            $"{ConnectPlot.Label(path)}: train barrier {path.TrainBarrier:G4}, test barrier {path.TestBarrier:G4}, highest train loss {path.TrainLoss.Max():G4}")).ToList();
        if (results.Connect?.Verdict is { } verdict) lines.Add(verdict.Sentence);
        lines.Add($"Results: {folder}; open {HtmlReport.FileName} there for the report");
        return lines;
    }
}
