using System.Text.RegularExpressions;
using Lla.Runs;
using Lla.TensorBoard;

namespace Lla.Reports;

/// <summary>
/// Adds the landscape figures of a training's analyses (FILE.analysis/epoch-E, drawn by
/// <see cref="RunRenderer"/>) to its TensorBoard log folder as PNG images, at step E: one image per
/// plane, tagged <c>landscape/plane/LABEL</c> (the plane's label in lower case, each run of other
/// characters than letters and digits a dash, e.g. <c>landscape/plane/random-axes-filter-l2</c>).
/// They go to an event file of their own beside the training's scalars (TensorBoard reads every event
/// file of a folder).
/// </summary>
public static partial class TensorBoardFigures
{
    /// <summary>Writes the images; returns how many. Folders whose name is not epoch-E, or without figures, are skipped.</summary>
    public static int Add(string logFolder, IEnumerable<string> analysisFolders)
    {
        var figures = new List<(int Epoch, string Tag, string File)>();
        foreach (string folder in analysisFolders)
        {
            // TrainRun names each analysis folder epoch-E.
            var match = EpochFolder().Match(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
            if (!match.Success) continue;
            var results = ResultsSerializer.ReadRun(folder);
            for (int k = 0; k < results.Landscapes.Count; k++)
            {
                // RunRenderer draws plane K as landscape-K.png.
                string png = Path.Combine(folder, $"landscape-{k}.png");
                if (results.Landscapes[k].IsPlane && File.Exists(png))
                    figures.Add((int.Parse(match.Groups[1].Value), "landscape/plane/" + Slug(results.Landscapes[k].Label), png));
            }
        }
        if (figures.Count == 0) return 0;
        using var writer = new EventFileWriter(logFolder);
        foreach (var (epoch, tag, file) in figures) writer.Png(tag, epoch, File.ReadAllBytes(file));
        return figures.Count;
    }

    /// <summary>"random axes, filter-L2" → "random-axes-filter-l2".</summary>
    public static string Slug(string label) => NotAlphanumeric().Replace(label.ToLowerInvariant(), "-").Trim('-');

    [GeneratedRegex(@"^epoch-(\d+)$")]
    private static partial Regex EpochFolder();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotAlphanumeric();
}
