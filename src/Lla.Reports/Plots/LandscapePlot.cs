using Lla.Landscapes;
using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>How heat maps colour the loss: log10 (default: the basin, many times lower than the rim, stays visible) or linear.</summary>
public enum ColorScale { Log, Linear }

/// <summary>Figures of a landscape: a heat map with contour lines and the centre marked (planes), and line plots of 1-D cuts.</summary>
public static class LandscapePlot
{
    public static void SavePlane(string path, Surface surface, string title, string xLabel = "α", string yLabel = "β", double[][]? trajectory = null,
        ColorScale scale = ColorScale.Log, string trajectoryLabel = "training path") =>
        Save(PlanePlot(surface, title, xLabel, yLabel, trajectory, scale, trajectoryLabel), path, 760, 640);

    /// <summary>Several planes side by side (up to four per row), each titled: the "all modes" panel and multi-plane runs.</summary>
    public static void SavePanel(string path, IReadOnlyList<(string Title, Surface Surface, string XLabel, string YLabel)> planes, ColorScale scale = ColorScale.Log)
    {
        int columns = Math.Min(4, planes.Count), rows = (planes.Count + columns - 1) / columns;
        var plots = planes.Select(p => PlanePlot(p.Surface, p.Title, p.XLabel, p.YLabel, null, scale)).ToList();
        var multiplot = new Multiplot();
        multiplot.Reset(plots[0]); // a new Multiplot holds one empty plot of its own
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        PngFile.Save(path, png => multiplot.SavePng(png, 480 * columns, 420 * rows));
    }

    /// <summary>Whether a landscape has a grid to draw: at least one α and one β, a loss row per β and a loss per α in each.</summary>
    public static bool CanDraw(LandscapeRecord l) =>
        l.Alphas.Count > 0 && l.Betas.Count > 0 && l.Loss.Count == l.Betas.Count && l.Loss.All(r => r.Count == l.Alphas.Count);

    /// <summary>
    /// The heat map of a plane with its colour bar (in loss units on either scale: under the log scale the colours
    /// follow log10 of the loss, and the bar's ticks sit at round losses, labelled as losses), contour lines, the
    /// centre and an optional path.
    /// </summary>
    public static Plot PlanePlot(Surface surface, string title, string xLabel, string yLabel, double[][]? trajectory, ColorScale scale,
        string trajectoryLabel = "training path")
    {
        // Log colours need positive losses; a surface with a zero or negative loss (a custom objective) is drawn linearly.
        bool log = scale == ColorScale.Log && surface.Loss.All(r => r.All(v => !double.IsFinite(v) || v > 0));
        int rows = surface.Betas.Length, columns = surface.Alphas.Length;
        var z = new double[rows, columns];
        var points = new Coordinates3d[rows, columns];
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < columns; i++)
            {
                double v = surface.Loss[j][i];
                if (!double.IsFinite(v)) v = double.NaN;
                double shown = log ? Math.Log10(v) : v;
                z[rows - 1 - j, i] = shown; // heat map rows run top to bottom; β grows upwards
                points[j, i] = new Coordinates3d(surface.Alphas[i], surface.Betas[j], double.IsNaN(shown) ? 0 : shown); // contours follow the colours
            }
        var plot = new Plot();
        var heat = plot.Add.Heatmap(z);
        double dx = columns > 1 ? (surface.Alphas[^1] - surface.Alphas[0]) / (columns - 1) : 1;
        double dy = rows > 1 ? (surface.Betas[^1] - surface.Betas[0]) / (rows - 1) : 1;
        heat.Extent = new CoordinateRect(surface.Alphas[0] - dx / 2, surface.Alphas[^1] + dx / 2, surface.Betas[0] - dy / 2, surface.Betas[^1] + dy / 2);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(heat);
        bar.Label = log ? "loss (colour scale: log)" : "loss (colour scale: linear)";
        if (log)
        {
            // The colours are log10 of the loss: ticks at round losses, labelled in loss units.
            var shown = surface.Loss.SelectMany(r => r).Where(v => double.IsFinite(v) && v > 0).Select(Math.Log10).ToList();
            if (shown.Count > 0)
            {
                var ticks = new ScottPlot.TickGenerators.NumericManual();
                foreach (var (position, label) in PngFile.LossTicks(shown.Min(), shown.Max())) ticks.AddMajor(position, label);
                bar.Axis.TickGenerator = ticks;
            }
        }
        var contours = plot.Add.ContourLines(points, 12);
        contours.LineColor = Colors.White.WithAlpha(0.7);
        contours.LabelStyle.IsVisible = false;
        var (ci, cj) = Centre(surface);
        var marker = plot.Add.Marker(surface.Alphas[ci], surface.Betas[cj], MarkerShape.FilledCircle, 9, Colors.Red);
        if (trajectory is { Length: > 0 })
        {
            var line = plot.Add.ScatterLine(trajectory.Select(c => c[0]).ToArray(), trajectory.Select(c => c[1]).ToArray());
            line.Color = Colors.Orange;
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = trajectoryLabel;
        }
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        plot.Axes.SetLimits(heat.Extent.Value);
        return plot;
    }

    /// <summary>The 1-D cuts through the centre of a plane (β = centre and α = centre), or the line of a 1-D landscape.</summary>
    public static void SaveCuts(string path, Surface surface, string title)
    {
        var plot = new Plot();
        var (ci, cj) = Centre(surface);
        var alongAlpha = plot.Add.ScatterLine(surface.Alphas, surface.Loss[cj]);
        alongAlpha.LegendText = surface.Betas.Length > 1 ? "along d1 (β at the centre)" : "along d1";
        alongAlpha.LineWidth = 2;
        if (surface.Betas.Length > 1)
        {
            var column = surface.Loss.Select(row => row[ci]).ToArray();
            var alongBeta = plot.Add.ScatterLine(surface.Betas, column);
            alongBeta.LegendText = "along d2 (α at the centre)";
            alongBeta.LineWidth = 2;
            plot.ShowLegend(Alignment.UpperCenter);
        }
        plot.Axes.Bottom.Label.Text = "coordinate";
        plot.Axes.Left.Label.Text = "loss";
        plot.Title(title);
        Save(plot, path, 760, 480);
    }

    /// <summary>The grid point nearest to the analysed weights: α = 0 and, for the add rule, β = 0.</summary>
    private static (int I, int J) Centre(Surface s)
    {
        int i = Array.IndexOf(s.Alphas, s.Alphas.OrderBy(Math.Abs).First());
        int j = Array.IndexOf(s.Betas, s.Betas.OrderBy(Math.Abs).First());
        return (i, j);
    }

    private static void Save(Plot plot, string path, int width, int height) =>
        PngFile.Save(path, png => plot.SavePng(png, width, height));
}
