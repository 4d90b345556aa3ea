using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// Draws the smoothed Hessian eigenvalue spectral density on a log scale (ScottPlot has no log
/// axis: log10 of the density is plotted, with ticks at whole powers of ten).
/// </summary>
public static class EsdPlot
{
    public static void Save(string path, EsdRecord esd, CriteriaRecord? criteria, int width = 900, int height = 560)
    {
        var density = esd.Density is { } d && CanDraw(d) ? d : throw new InvalidOperationException("the spectral density has no stored smoothed curve to draw");
        var logY = PngFile.LogDensity(density.Density);

        var plot = new Plot();
        var line = plot.Add.ScatterLine(density.Lambda.ToArray(), logY);
        line.LineWidth = 1.5f;
        line.Color = Colors.SteelBlue;
        plot.Axes.Bottom.Label.Text = "eigenvalue λ";
        plot.Axes.Left.Label.Text = "density (log scale)";
        PngFile.LogAxis(plot, logY);
        plot.Title(Title(esd, criteria));
        var vertical = plot.Add.VerticalLine(0);
        vertical.Color = Colors.Gray.WithAlpha(0.6);
        vertical.LinePattern = LinePattern.Dashed;
        PngFile.Save(path, png => plot.SavePng(png, width, height));
    }

    /// <summary>Whether a stored density has a curve to draw: λ and density of one non-zero length, some density finite.</summary>
    public static bool CanDraw(DensityRecord? density) =>
        density is { } d && d.Lambda.Count > 0 && d.Density.Count == d.Lambda.Count && d.Density.Any(double.IsFinite);

    private static string Title(EsdRecord esd, CriteriaRecord? c)
    {
        string runs = $"{esd.Runs.Count} SLQ run{(esd.Runs.Count == 1 ? "" : "s")} × {esd.Runs.Select(r => r.Steps).DefaultIfEmpty(0).Max()} steps";
        if (c is null) return $"Hessian eigenvalue spectral density ({runs})";
        string re = c.Re is double r ? r.ToString("G3") : "n/a";
        string kh = c.Kh is double k ? k.ToString("G3") : "∞";
        return $"HESD ({runs}): re = {re}, Kh{c.KhPower:0.##} = {kh}, Ct = {c.Ct:G3}, type {c.HesdType}";
    }
}
