using Lla.Landscapes;
using Lla.Runs;
using Lla.Studies;

namespace Lla.Reports;

/// <summary>
/// Draws a run folder's figures, report.html, results.h5 and VTK surfaces from its typed results
/// alone, computing nothing about the model: right after a job, and again for `lla report`
/// (results of older schemas are upgraded by the library first). Study folders get their own page.
/// </summary>
public static class RunRenderer
{
    public const string EsdFigure = "esd.png";
    public const string PanelFigure = "landscapes-panel.png";
    public const string SplitFigure = "curvature-split.png";
    public const string PerLayerFigure = "per-layer.png";

    /// <summary>Redraws a finished run or study folder; returns the figure files.</summary>
    public static IReadOnlyList<string> Render(string folder, ColorScale scale = ColorScale.Log)
    {
        if (!Directory.Exists(folder)) throw new LlaException($"run folder not found: {folder}");
        if (StudyFolder.IsStudy(folder))
        {
            var (config, study) = StudyFolder.Load(folder);
            return StudyReport.Write(folder, config, study);
        }
        // A finished folder keeps its results.json as written (older schemas are upgraded in memory only).
        return Render(folder, ResultsSerializer.ReadRun(folder), scale, recordFigures: false).Figures;
    }

    /// <summary>Draws every figure of <paramref name="results"/>, records them in results.json (a job's fresh folder), then writes the page and data files.</summary>
    public static RunResults Render(string folder, RunResults results, ColorScale scale = ColorScale.Log, bool recordFigures = true)
    {
        RequireWritable(folder, results);
        var figures = new List<string>();
        // Only what the results hold is drawn: an empty or ragged array (a hand-edited or truncated file) is left out, not a crash.
        if (results.Hessian?.Esd is { Runs.Count: > 0 } esd && EsdPlot.CanDraw(esd.Density))
        {
            EsdPlot.Save(Path.Combine(folder, EsdFigure), esd, results.Hessian.Criteria);
            figures.Add(EsdFigure);
        }
        if (results.CurvatureSplit is { } split)
        {
            CurvatureSplitPlot.Save(Path.Combine(folder, SplitFigure), split);
            figures.Add(SplitFigure);
        }
        if (results.PerLayer is { Layers.Count: > 0 } perLayer)
        {
            PerLayerPlot.Save(Path.Combine(folder, PerLayerFigure), perLayer);
            figures.Add(PerLayerFigure);
        }
        if (results.Paths?.Where(ConnectPlot.CanDraw).ToList() is { Count: > 0 } paths)
        {
            ConnectPlot.Save(Path.Combine(folder, ConnectPlot.FileName), paths);
            figures.Add(ConnectPlot.FileName);
        }
        var planes = new List<LandscapeRecord>();
        for (int k = 0; k < results.Landscapes.Count; k++)
        {
            var l = results.Landscapes[k];
            if (!LandscapePlot.CanDraw(l)) continue;
            figures.AddRange(DrawLandscape(folder, k, l, scale, results.Command == "connect" ? "the curve A → bend → B" : "training path"));
            if (l.IsPlane) planes.Add(l);
        }
        if (planes.Count > 1 && results.Command == "landscape")
        {
            LandscapePlot.SavePanel(Path.Combine(folder, PanelFigure),
                planes.Select(p => (p.Label, LandscapeRecords.ToSurface(p), p.IsAdamEq ? "a" : "α", p.IsAdamEq ? "b" : "β")).ToList(), scale);
            figures.Add(PanelFigure);
        }
        var rendered = results with { Figures = figures };
        if (recordFigures) new RunFolder(folder).WriteResults(rendered);
        HtmlReport.Write(Path.Combine(folder, HtmlReport.FileName), rendered);
        DataExport.WriteHdf5(folder, rendered);
        DataExport.WriteVtk(folder, rendered);
        return rendered;
    }

    /// <summary>
    /// Refuses, before anything is drawn, a run folder where a file this renderer writes is a folder (report.html/, esd.png/…):
    /// every name it may write is checked, drawn or not.
    /// </summary>
    private static void RequireWritable(string folder, RunResults results)
    {
        var names = new List<string> { HtmlReport.FileName, DataExport.Hdf5File, EsdFigure, SplitFigure, PerLayerFigure, ConnectPlot.FileName, PanelFigure };
        for (int k = 0; k < results.Landscapes.Count; k++)
            names.AddRange(new[] { $"landscape-{k}.png", $"landscape-{k}-cuts.png", $"landscape-{k}-3d.png", $"landscape-{k}.vtk" });
        foreach (string name in names)
            if (Directory.Exists(Path.Combine(folder, name)))
                throw new LlaException($"{Path.Combine(folder, name)} is a folder, but the report writes a file of that name there: move or remove that folder");
    }

    /// <summary>landscape-K.png (heat map, contours, centre, path), landscape-K-3d.png (surface) and landscape-K-cuts.png; a 1-D landscape gets its line as landscape-K.png.</summary>
    private static string[] DrawLandscape(string folder, int k, LandscapeRecord l, ColorScale scale, string pathLabel)
    {
        string png = $"landscape-{k}.png", cuts = $"landscape-{k}-cuts.png", surface3d = $"landscape-{k}-3d.png";
        var surface = LandscapeRecords.ToSurface(l);
        if (!l.IsPlane)
        {
            LandscapePlot.SaveCuts(Path.Combine(folder, png), surface, l.Label + " (1-D)");
            return new[] { png };
        }
        string x = l.IsAdamEq ? "a" : "α (d1)", y = l.IsAdamEq ? "b" : "β (d2)";
        double[][]? path = l.Path is { } p ? p.Alphas.Zip(p.Betas, (a, b) => new[] { a, b }).ToArray() : null;
        LandscapePlot.SavePlane(Path.Combine(folder, png), surface, l.Label, x, y, path, scale, pathLabel);
        LandscapePlot.SaveCuts(Path.Combine(folder, cuts), surface, l.Label + ": cuts through the centre");
        SurfacePlot3D.Save(Path.Combine(folder, surface3d), surface, l.Label, x, y);
        return new[] { png, surface3d, cuts };
    }
}
