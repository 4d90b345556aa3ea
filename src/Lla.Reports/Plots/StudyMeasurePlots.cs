using System.Globalization;
using Lla.Runs;
using Lla.Studies;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// The leaderboard's pictures: for every measure that changes with the data, the accuracy drop
/// −Δaccuracy against direction·Δmeasure (one colour per model; a good measure rises to the right),
/// and a rank chart of the across-dataset Spearman ρ (all trained models) with its 95% interval.
/// </summary>
public static class StudyMeasurePlots
{
    public const string RankChart = "leaderboard.png";

    public static string ScatterFile(string measure) => $"measure-{measure}.png";

    /// <summary>Draws the rank chart and one scatter per scored measure into the folder; returns the files drawn.</summary>
    public static IReadOnlyList<string> Write(string folder, StudyResults study)
    {
        var files = new List<string>();
        if (study.Leaderboard is not { } board) return files;
        Save(Path.Combine(folder, RankChart), Ranks(board), 1000, 160 + 22 * board.Entries.Count);
        files.Add(RankChart);
        foreach (var e in board.Entries.Where(e => e.AllModels is not null))
        {
            Save(Path.Combine(folder, ScatterFile(e.Measure)), Scatter(study, e), 640, 420);
            files.Add(ScatterFile(e.Measure));
        }
        return files;
    }

    private static Plot Ranks(LeaderboardResults board)
    {
        var plot = new Plot();
        var scored = board.Entries.Where(e => e.AllModels is { } a && double.IsFinite(a.Spearman.Value)).ToList();
        for (int i = 0; i < scored.Count; i++)
        {
            var s = scored[i].AllModels!.Spearman;
            double y = scored.Count - 1 - i;
            var bar = plot.Add.Bar(position: y, value: s.Value);
            bar.Horizontal = true;
            bar.Color = !scored[i].NeedsLabels ? Colors.SeaGreen : scored[i].Family == "curvature" ? Colors.SteelBlue : Colors.Gray;
            if (double.IsFinite(s.Low) && double.IsFinite(s.High))
            {
                var line = plot.Add.Line(s.Low, y, s.High, y);
                line.Color = Colors.Black;
                line.LineWidth = 1.5f;
            }
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, scored.Count).Select(i => (double)(scored.Count - 1 - i)).ToArray(), scored.Select(e => e.Measure).ToArray());
        plot.Axes.Bottom.Label.Text = "Spearman ρ of direction·Δmeasure with the accuracy drop, all trained models (95% interval)";
        plot.Title("Across datasets: ρ with the accuracy drop (blue curvature, green label-free, grey other)");
        var zero = plot.Add.VerticalLine(0);
        zero.Color = Colors.Gray;
        zero.LinePattern = LinePattern.Dashed;
        return plot;
    }

    private static Plot Scatter(StudyResults study, LeaderboardRecord entry)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category20();
        int index = 0;
        foreach (var model in study.HesdTypes.Where(t => !t.Reference))
        {
            var points = study.Rows.Where(r => r.Model == model.Model && r.DeltaAccuracy is double a && double.IsFinite(a)
                    && r.Measures?.GetValueOrDefault(entry.Measure)?.Delta is double d && double.IsFinite(d))
                .Select(r => (X: -r.DeltaAccuracy!.Value * 100, Y: entry.Direction * r.Measures![entry.Measure].Delta!.Value)).ToList();
            if (points.Count == 0) { index++; continue; }
            var scatter = plot.Add.ScatterPoints(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.Color = palette.GetColor(index++);
            scatter.MarkerShape = model.HesdType == "MP" ? MarkerShape.FilledCircle : MarkerShape.OpenSquare;
            scatter.LegendText = model.Model;
        }
        var s = entry.AllModels!.Spearman;
        string F(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
        plot.Title($"{entry.Measure}: ρ = {F(s.Value)} [{F(s.Low)}, {F(s.High)}]");
        plot.Axes.Bottom.Label.Text = "accuracy drop vs the training split (points)";
        plot.Axes.Left.Label.Text = (entry.Direction < 0 ? "−" : "") + $"Δ{entry.Measure}";
        return plot;
    }

    private static void Save(string path, Plot plot, int width, int height) =>
        PngFile.Save(path, png => plot.SavePng(png, width, height));
}
