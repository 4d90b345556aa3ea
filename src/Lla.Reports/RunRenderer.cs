using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Landscapes;

namespace Lla.Reports;

/// <summary>
/// Draws a run folder's figures and report.html. The commands call the Draw methods as results
/// arrive; <see cref="Render"/> draws everything again from results.json alone (`lla report`),
/// computing nothing about the model.
/// </summary>
public static class RunRenderer
{
    public const string EsdFigure = "esd.png";
    public const string PanelFigure = "landscapes-panel.png";

    public static string DrawEsd(string folder, SpectralDensityResult esd, CriteriaResult? criteria)
    {
        EsdPlot.Save(Path.Combine(folder, EsdFigure), esd, criteria);
        return EsdFigure;
    }

    /// <summary>landscape-K.png (heat map, contours, centre, path), landscape-K-3d.png (surface) and landscape-K-cuts.png; a 1-D landscape gets its line as landscape-K.png.</summary>
    public static string[] DrawLandscape(string folder, int k, string label, bool adamEq, Surface surface, double[][]? path = null)
    {
        string png = $"landscape-{k}.png", cuts = $"landscape-{k}-cuts.png", surface3d = $"landscape-{k}-3d.png";
        if (surface.Betas.Length == 1)
        {
            LandscapePlot.SaveCuts(Path.Combine(folder, png), surface, label + " (1-D)");
            return new[] { png };
        }
        LandscapePlot.SavePlane(Path.Combine(folder, png), surface, label, adamEq ? "a" : "α (d1)", adamEq ? "b" : "β (d2)", path);
        LandscapePlot.SaveCuts(Path.Combine(folder, cuts), surface, label + ": cuts through the centre");
        SurfacePlot3D.Save(Path.Combine(folder, surface3d), surface, label, adamEq ? "a" : "α (d1)", adamEq ? "b" : "β (d2)");
        return new[] { png, surface3d, cuts };
    }

    public static string DrawPanel(string folder, IReadOnlyList<(string Label, bool AdamEq, Surface Surface)> planes)
    {
        LandscapePlot.SavePanel(Path.Combine(folder, PanelFigure),
            planes.Select(p => (p.Label, p.Surface, p.AdamEq ? "a" : "α", p.AdamEq ? "b" : "β")).ToList());
        return PanelFigure;
    }

    /// <summary>Redraws every figure and report.html of a finished run from its results.json; returns the figure files.</summary>
    public static IReadOnlyList<string> Render(string folder)
    {
        var results = ResultsFile.Load(folder);
        var figures = new List<string>();
        var slq = ResultsFile.SlqRuns(results);
        if (slq.Count > 0)
        {
            long dimension = results["hessian"]!["parameter_count"]!.GetValue<long>();
            var criteria = results["hessian"]!["criteria"] is JsonObject c
                ? Criteria.FromSpectrum(slq, c["kh_power"]!.GetValue<double>(), c["ct_threshold"]!.GetValue<double>())
                : null;
            figures.Add(DrawEsd(folder, new SpectralDensityResult(slq, dimension, 0, 0), criteria));
        }
        var planes = new List<(string, bool, Surface)>();
        if (results["landscapes"] is JsonArray landscapes)
            for (int k = 0; k < landscapes.Count; k++)
            {
                var l = landscapes[k]!;
                var surface = new Surface(ResultsFile.Doubles(l["alphas"]), ResultsFile.Doubles(l["betas"]), ResultsFile.Rows(l["loss"]), ResultsFile.Rows(l["accuracy"]), 0, 0);
                double[][]? path = l["path"] is JsonObject p
                    ? ResultsFile.Doubles(p["alphas"]).Zip(ResultsFile.Doubles(p["betas"]), (a, b) => new[] { a, b }).ToArray()
                    : null;
                bool adamEq = l["mode"]?.GetValue<string>() == "adameq";
                string label = l["label"]?.GetValue<string>() ?? $"landscape {k}";
                figures.AddRange(DrawLandscape(folder, k, label, adamEq, surface, path));
                if (surface.Betas.Length > 1) planes.Add((label, adamEq, surface));
            }
        if (planes.Count > 1 && results["command"]?.GetValue<string>() == "landscape") figures.Add(DrawPanel(folder, planes));
        WritePageAndData(folder, results);
        return figures;
    }

    /// <summary>report.html, results.h5 and the VTK surfaces of a run whose results.json is written.</summary>
    public static void WritePageAndData(string folder, JsonObject results)
    {
        HtmlReport.Write(Path.Combine(folder, HtmlReport.FileName), results);
        DataExport.WriteHdf5(folder, results);
        DataExport.WriteVtk(folder, results);
    }
}
