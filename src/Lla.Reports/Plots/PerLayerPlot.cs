using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>Small multiples of the per-layer spectral densities (log density, as <see cref="EsdPlot"/>), up to four per row, each titled with its layer, λ1 and HESD type.</summary>
public static class PerLayerPlot
{
    public static void Save(string path, PerLayerRecord perLayer)
    {
        var layers = perLayer.Layers.Where(l => EsdPlot.CanDraw(l.Analysis.Esd?.Density)).ToList();
        if (layers.Count == 0) return;
        int columns = Math.Min(4, layers.Count), rows = (layers.Count + columns - 1) / columns;
        var plots = layers.Select(Panel).ToList();
        var multiplot = new Multiplot();
        multiplot.Reset(plots[0]);
        foreach (var plot in plots.Skip(1)) multiplot.AddPlot(plot);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        PngFile.Save(path, png => multiplot.SavePng(png, 380 * columns, 300 * rows));
    }

    private static Plot Panel(LayerRecord layer)
    {
        var d = layer.Analysis.Esd!.Density!;
        var logY = PngFile.LogDensity(d.Density);
        var plot = new Plot();
        var line = plot.Add.ScatterLine(d.Lambda.ToArray(), logY);
        line.Color = Colors.SteelBlue;
        line.LineWidth = 1.2f;
        var zero = plot.Add.VerticalLine(0);
        zero.Color = Colors.Gray.WithAlpha(0.6);
        zero.LinePattern = LinePattern.Dashed;
        PngFile.LogAxis(plot, logY);
        string top = layer.Analysis.TopEigenvalues is { Count: > 0 } v ? $", λ1 {v[0]:G3}" : "";
        plot.Title($"{layer.Name} ({layer.Dimension:N0}{top}, {layer.Analysis.Criteria?.HesdType ?? "n/a"})", size: 12);
        return plot;
    }
}
