using Lla.Landscapes;
using System.Globalization;
using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>
/// The "landscapes" payload: per plane landscape-K.png (heat map, contours, centre, path), landscape-K-3d.png (surface),
/// landscape-K-cuts.png and landscape-K.vtk; a 1-D landscape gets its line as landscape-K.png; several planes of
/// `lla landscape` also landscapes-panel.png. On the page: each plane's rotatable surface, heat map and cuts.
/// </summary>
public sealed class LandscapesView : IResultsView
{
    public const string PanelFigure = "landscapes-panel.png";

    public int Order => 50;

    public IEnumerable<string> Files(RunResults results) =>
        results.Landscapes.SelectMany((_, k) => new[] { $"landscape-{k}.png", $"landscape-{k}-cuts.png", $"landscape-{k}-3d.png", LandscapeVtk.FileName(k) })
            .Append(PanelFigure);

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        var figures = new List<string>();
        var planes = new List<LandscapeRecord>();
        for (int k = 0; k < results.Landscapes.Count; k++)
        {
            var l = results.Landscapes[k];
            // Only what the results hold is drawn: an empty or ragged grid (a hand-edited or truncated file) is left out, not a crash.
            if (!LandscapePlot.CanDraw(l)) continue;
            figures.AddRange(DrawOne(folder, k, l, scale, results.Command == "connect" ? "the curve A → bend → B" : "training path"));
            LandscapeVtk.Write(folder, k, l);
            if (l.IsPlane) planes.Add(l);
        }
        if (planes.Count > 1 && results.Command == "landscape")
        {
            LandscapePlot.SavePanel(Path.Combine(folder, PanelFigure),
                planes.Select(p => (p.Label, LandscapeRecords.ToSurface(p), p.IsAdamEq ? "a" : "α", p.IsAdamEq ? "b" : "β")).ToList(), scale);
            figures.Add(PanelFigure);
        }
        return figures;
    }

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.Landscapes.Count == 0) yield break;
        var blocks = new List<PageBlock>
        {
            new TextBlock("Each plane shows the loss at θ* + α·d1 + β·d2 around the analysed weights θ* (the red dot). With BatchNorm, random directions " +
                "built from the weights can look flatter than the network is; planes along the top Hessian eigenvectors show the real curvature.", Muted: true),
        };
        string path = results.Command == "connect" ? ", the curve in orange (A at 0, 0; B at 1, 0; the bend at 0, 1)" : ", training path in orange";
        for (int k = 0; k < results.Landscapes.Count; k++)
        {
            var l = results.Landscapes[k];
            if (!LandscapePlot.CanDraw(l)) continue; // nothing to draw (an empty or ragged grid)
            string facts = string.Join(", ", l.AxesFacts.Select(f => $"{f.Key} {N(f.Value, 5)}"));
            blocks.Add(new HeadingBlock(l.Label));
            blocks.Add(new TextBlock($"{l.Betas.Count}×{l.Alphas.Count} points, distance {l.Distance.ToString(CultureInfo.InvariantCulture)}{(facts.Length > 0 ? ", " + facts : "")}", Muted: true));
            blocks.Add(new PlotBlock("landscape", $"landscapes.{k}", "heat map with contour lines, centre marked" + (l.Path is null ? "" : path)));
        }
        yield return new PageSection("Loss landscapes", blocks);
    }

    private static string[] DrawOne(string folder, int k, LandscapeRecord l, ColorScale scale, string pathLabel)
    {
        string png = $"landscape-{k}.png", cuts = $"landscape-{k}-cuts.png", surface3d = $"landscape-{k}-3d.png";
        var surface = LandscapeRecords.ToSurface(l);
        if (!l.IsPlane)
        {
            LandscapePlot.SaveCuts(Path.Combine(folder, png), surface, l.Label + " (1-D)");
            return [png];
        }
        string x = l.IsAdamEq ? "a" : "α (d1)", y = l.IsAdamEq ? "b" : "β (d2)";
        double[][]? trajectory = l.Path is { } p ? p.Alphas.Zip(p.Betas, (a, b) => new[] { a, b }).ToArray() : null;
        LandscapePlot.SavePlane(Path.Combine(folder, png), surface, l.Label, x, y, trajectory, scale, pathLabel);
        LandscapePlot.SaveCuts(Path.Combine(folder, cuts), surface, l.Label + ": cuts through the centre");
        SurfacePlot3D.Save(Path.Combine(folder, surface3d), surface, l.Label, x, y);
        return [png, surface3d, cuts];
    }
}
