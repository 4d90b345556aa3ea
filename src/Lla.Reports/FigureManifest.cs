using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// figures.json beside results.json: the figure files the reports drew into the run folder, written (atomically, by the
/// one serializer) each time the folder is rendered. results.json, the job's record, is never touched by a report.
/// </summary>
public sealed record FigureManifest(IReadOnlyList<string> Figures)
{
    public const string FileName = "figures.json";

    public static void Write(string folder, IReadOnlyList<string> figures) =>
        ResultsSerializer.Write(Path.Combine(folder, FileName), new FigureManifest(figures));

    /// <summary>The figures of a rendered folder; none when it was never rendered.</summary>
    public static IReadOnlyList<string> Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        return File.Exists(path) ? ResultsSerializer.Read<FigureManifest>(path, node => node).Figures : [];
    }
}
