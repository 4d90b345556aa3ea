using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// Block heterogeneity's heat map: the stored JS distances between the blocks' normalized spectral densities, block
/// i in row i from the top and column i from the left, colours fixed to [0, 1] (the distance's range) so that figures
/// of different runs compare.
/// </summary>
public static class BlockSpectraPlot
{
    public static void Save(string path, BlockSpectraRecord spectra)
    {
        int n = spectra.Blocks.Count;
        var z = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                z[i, j] = spectra.JsDistance[i][j] is var d && double.IsFinite(d) ? d : double.NaN;
        var plot = new Plot();
        var heat = plot.Add.Heatmap(z);
        heat.Extent = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        heat.ManualRange = new ScottPlot.Range(0, 1);
        var bar = plot.Add.ColorBar(heat);
        bar.Label = "JS distance";
        // Long block lists label every k-th block so that labels stay readable.
        int every = Math.Max(1, (int)Math.Ceiling(n / 60.0));
        var bottom = new ScottPlot.TickGenerators.NumericManual();
        var left = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < n; i += every)
        {
            bottom.AddMajor(i, spectra.Blocks[i].Name);
            left.AddMajor(n - 1 - i, spectra.Blocks[i].Name);
        }
        plot.Axes.Bottom.TickGenerator = bottom;
        plot.Axes.Left.TickGenerator = left;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 40 + 7 * spectra.Blocks.Max(b => b.Name.Length);
        plot.Axes.Left.MinimumSize = 20 + 7 * spectra.Blocks.Max(b => b.Name.Length);
        plot.Title($"Block heterogeneity: mean JS distance {spectra.MeanJsDistance:F3} over {n * (n - 1) / 2} pairs");
        plot.Axes.SetLimits(heat.Extent.Value);
        int size = Math.Clamp(300 + 14 * n, 700, 2400);
        PngFile.Save(path, png => plot.SavePng(png, size + 160, size));
    }
}
