using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// The curvature split's figure: the smoothed spectral densities of H, G and R = H − G overlaid on
/// one log-density axis (as <see cref="EsdPlot"/>). The sentence on where H's negative eigenvalues come
/// from is the library's, stored in the results (<c>curvature_split.verdict</c>).
/// </summary>
public static class CurvatureSplitPlot
{
    public static void Save(string path, CurvatureSplitRecord split, int width = 900, int height = 560)
    {
        var plot = new Plot();
        var series = new[] { ("H (Hessian)", split.Hessian, Colors.SteelBlue), ("G (GGN)", split.Ggn, Colors.ForestGreen), ("R = H − G", split.Residual, Colors.OrangeRed) };
        // One floor for all three curves (1e-8 of the highest peak), so their floors coincide.
        double peak = series.Max(s => s.Item2.Esd?.Density?.Density.Where(double.IsFinite).DefaultIfEmpty(0).Max() ?? 0);
        var drawn = new List<double>();
        foreach (var (name, record, colour) in series)
        {
            if (record.Esd?.Density is not { } d || !EsdPlot.CanDraw(d)) continue;
            var logY = PngFile.LogDensity(d.Density, peak);
            drawn.AddRange(logY);
            var line = plot.Add.ScatterLine(d.Lambda.ToArray(), logY);
            line.LineWidth = 1.5f;
            line.Color = colour;
            line.LegendText = name;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.Label.Text = "eigenvalue λ";
        plot.Axes.Left.Label.Text = "density (log scale)";
        PngFile.LogAxis(plot, drawn);
        plot.Title("Spectral densities of H = G + R");
        var vertical = plot.Add.VerticalLine(0);
        vertical.Color = Colors.Gray.WithAlpha(0.6);
        vertical.LinePattern = LinePattern.Dashed;
        PngFile.Save(path, png => plot.SavePng(png, width, height));
    }
}
