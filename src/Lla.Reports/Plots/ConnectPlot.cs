using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// The paths of an `lla connect` run in one figure: loss (left) and accuracy (right) against t, from model A (t = 0)
/// to model B (t = 1); one colour per path, training split solid, test split dashed.
/// </summary>
public static class ConnectPlot
{
    public const string FileName = "paths.png";

    private static readonly Color[] Palette = { Colors.SteelBlue, Colors.OrangeRed, Colors.ForestGreen, Colors.Purple };

    public static void Save(string path, IReadOnlyList<ModePathRecord> paths, int width = 1200, int height = 480)
    {
        var loss = Panel("loss along the path", "loss", paths, p => p.TrainLoss, p => p.TestLoss);
        var accuracy = Panel("accuracy along the path", "accuracy", paths, p => p.TrainAccuracy, p => p.TestAccuracy, Alignment.LowerRight);
        var multiplot = new Multiplot();
        multiplot.Reset(loss);
        multiplot.AddPlot(accuracy);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        PngFile.Save(path, png => multiplot.SavePng(png, width, height));
    }

    /// <summary>Whether a path has points to draw: t and the training values of one length, the test values of that length or none.</summary>
    public static bool CanDraw(ModePathRecord p) =>
        p.T.Count > 0 && p.TrainLoss.Count == p.T.Count && p.TrainAccuracy.Count == p.T.Count &&
        p.TestLoss.Count is var l && (l == 0 || l == p.T.Count) && p.TestAccuracy.Count is var a && (a == 0 || a == p.T.Count);

    /// <summary>"linear", "linear, aligned", "bezier, aligned": how a path is named in figures and on the page.</summary>
    public static string Label(ModePathRecord p) => p.Aligned ? $"{p.Method}, aligned" : p.Method;

    private static Plot Panel(string title, string yLabel, IReadOnlyList<ModePathRecord> paths,
        Func<ModePathRecord, IReadOnlyList<double>> train, Func<ModePathRecord, IReadOnlyList<double>> test, Alignment legend = Alignment.UpperRight)
    {
        var plot = new Plot();
        for (int k = 0; k < paths.Count; k++)
        {
            var p = paths[k];
            var colour = Palette[k % Palette.Length];
            var t = p.T.ToArray();
            var onTrain = plot.Add.ScatterLine(t, train(p).ToArray());
            onTrain.Color = colour;
            onTrain.LineWidth = 2;
            onTrain.LegendText = $"{Label(p)} (train)";
            if (test(p).All(double.IsNaN)) continue;
            var onTest = plot.Add.ScatterLine(t, test(p).ToArray());
            onTest.Color = colour;
            onTest.LineWidth = 1.5f;
            onTest.LinePattern = LinePattern.Dashed;
            onTest.LegendText = $"{Label(p)} (test)";
        }
        plot.Title(title);
        plot.Axes.Bottom.Label.Text = "t (0: model A, 1: model B)";
        plot.Axes.Left.Label.Text = yLabel;
        plot.ShowLegend(legend);
        return plot;
    }
}
