using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "paths" and "connect" payloads of `lla connect`: the stored verdict, the paths' barriers, loss and accuracy along t (paths.png), model B's files.</summary>
public sealed class ConnectView : IResultsView
{
    public int Order => 60;

    public IEnumerable<string> Files(RunResults results) => [ConnectPlot.FileName];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        if (results.Paths?.Where(ConnectPlot.CanDraw).ToList() is not { Count: > 0 } paths) return [];
        ConnectPlot.Save(Path.Combine(folder, ConnectPlot.FileName), paths);
        return [ConnectPlot.FileName];
    }

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.Paths is not { Count: > 0 } paths) yield break;
        var blocks = new List<PageBlock>();
        if (results.Connect?.Verdict is { } v) blocks.Add(new VerdictBlock(v.Sentence, [v.Barriers], [v.Rule]));
        static double Highest(IReadOnlyList<double> xs) => xs.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        static double Lowest(IReadOnlyList<double> xs) => xs.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        blocks.Add(new TableBlock(["path", "train barrier", "test barrier", "highest train loss", "lowest train accuracy", "BatchNorm"],
            paths.Select(p => (IReadOnlyList<string>)[ConnectPlot.Label(p), N(p.TrainBarrier), N(p.TestBarrier), N(Highest(p.TrainLoss)),
                Percent(Lowest(p.TrainAccuracy)), p.Bn]).ToArray()));
        if (paths.Any(ConnectPlot.CanDraw)) blocks.Add(new PlotBlock("paths", "paths"));
        if (results.Connect is { } c)
        {
            var files = new[] { c.AlignedCheckpoint is { } a ? $"{a} (B aligned to A)" : null, c.BendCheckpoint is { } b ? $"{b} (the trained bend)" : null }.OfType<string>().ToList();
            string text = $"Model B: {c.To}." + (files.Count > 0 ? $" Checkpoints in this folder, loadable with --weights: {string.Join(", ", files)}." : "");
            if (c.Curve is { } t)
                text += $" The bend trained {t.Steps} steps ({t.Epochs} epochs, SGD lr {N(t.LearningRate)}, momentum {N(t.Momentum)}, seed {t.Seed}" +
                        (t.StepsResumed > 0 ? $", {t.StepsResumed} kept from an interrupted run" : "") + ").";
            blocks.Add(new TextBlock(text, Muted: true));
        }
        yield return new PageSection("Mode connectivity", blocks);
    }
}
