using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// Draws the smoothed Hessian eigenvalue spectral density on a log scale (ScottPlot has no log
/// axis: log10 of the density is plotted and the ticks are labelled as powers of ten).
/// </summary>
public static class EsdPlot
{
    public static void Save(string path, EsdRecord esd, CriteriaRecord? criteria, int width = 900, int height = 560)
    {
        var density = esd.Density ?? throw new InvalidOperationException("the spectral density has no stored smoothed curve");
        double peak = density.Density.Max();
        double floor = peak > 0 ? peak * 1e-8 : 1e-12;
        var logY = density.Density.Select(d => Math.Log10(Math.Max(d, floor))).ToArray();

        var plot = new Plot();
        var line = plot.Add.ScatterLine(density.Lambda.ToArray(), logY);
        line.LineWidth = 1.5f;
        line.Color = Colors.SteelBlue;
        plot.Axes.Bottom.Label.Text = "eigenvalue λ";
        plot.Axes.Left.Label.Text = "density (log scale)";
        plot.Axes.Left.TickGenerator = PngFile.LogTicks();
        plot.Title(Title(esd, criteria));
        var vertical = plot.Add.VerticalLine(0);
        vertical.Color = Colors.Gray.WithAlpha(0.6);
        vertical.LinePattern = LinePattern.Dashed;
        PngFile.Save(path, png => plot.SavePng(png, width, height));
    }

    private static string Title(EsdRecord esd, CriteriaRecord? c)
    {
        string runs = $"{esd.Runs.Count} SLQ run{(esd.Runs.Count == 1 ? "" : "s")} × {esd.Runs.Max(r => r.Steps)} steps";
        if (c is null) return $"Hessian eigenvalue spectral density ({runs})";
        string re = c.Re is double r ? r.ToString("G3") : "n/a";
        string kh = c.Kh is double k ? k.ToString("G3") : "∞";
        return $"HESD ({runs}): re = {re}, Kh{c.KhPower:0.##} = {kh}, Ct = {c.Ct:G3}, type {c.HesdType}";
    }
}
