using Lla.Landscapes;
using Lla.Runs;
using Lla.Studies;

namespace Lla.Reports;

/// <summary>
/// Draws a run folder's figures (listed in figures.json), report.html and results.h5 from its typed results alone,
/// computing nothing about the model: right after a job, and again for `lla report` (results of older schemas are
/// upgraded in memory by the library first). It never writes results.json: the job wrote it once. What each payload
/// shows is its <see cref="IResultsView"/>'s. Study folders get their own page.
/// </summary>
public static class RunRenderer
{
    /// <summary>Redraws a finished run or study folder; returns the figure files.</summary>
    public static IReadOnlyList<string> Render(string folder, ColorScale scale = ColorScale.Log)
    {
        if (!Directory.Exists(folder)) throw new LlaException($"run folder not found: {folder}");
        if (StudyFolder.IsStudy(folder))
        {
            var (config, study) = StudyFolder.Load(folder);
            return StudyReport.Write(folder, config, study);
        }
        return Render(folder, ResultsSerializer.ReadRun(folder), scale);
    }

    /// <summary>Draws every view's figures of <paramref name="results"/>, lists them in figures.json, then writes the page and results.h5; returns the figures.</summary>
    public static IReadOnlyList<string> Render(string folder, RunResults results, ColorScale scale = ColorScale.Log)
    {
        var views = ResultsViews.All;
        RequireWritable(folder, results, views);
        var figures = views.SelectMany(v => v.Draw(folder, results, scale)).ToArray();
        FigureManifest.Write(folder, figures);
        HtmlReport.Write(Path.Combine(folder, HtmlReport.FileName), results, views);
        DataExport.WriteHdf5(folder, results);
        return figures;
    }

    /// <summary>
    /// Refuses, before anything is drawn, a run folder where a file the renderer writes is a folder (report.html/, esd.png/…):
    /// every name it may write is checked, drawn or not.
    /// </summary>
    private static void RequireWritable(string folder, RunResults results, IReadOnlyList<IResultsView> views)
    {
        var names = new[] { HtmlReport.FileName, DataExport.Hdf5File, FigureManifest.FileName }.Concat(views.SelectMany(v => v.Files(results)));
        foreach (string name in names)
            if (Directory.Exists(Path.Combine(folder, name)))
                throw new LlaException($"{Path.Combine(folder, name)} is a folder, but the report writes a file of that name there: move or remove that folder");
    }
}
