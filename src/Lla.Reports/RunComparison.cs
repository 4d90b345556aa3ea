using System.Globalization;
using System.Text;
using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>One row of a comparison of runs, read from a run's results.json.</summary>
public sealed record RunSummary(string Run, string Model, string Data, string Split, double? Accuracy, double? TestAccuracy, double? Lambda1, double? Trace,
    double? Re, double? ReStd, double? Kh, double? KhStd, double? Ct, double? CtStd, string HesdType, DensityRecord? Density);

/// <summary>`lla compare`: criteria with their spread, HESD type, accuracy, λ1 and trace of several runs side by side, and their ESDs overlaid.</summary>
public static class RunComparison
{
    public static RunSummary Read(string folder)
    {
        var r = ResultsSerializer.ReadRun(folder);
        var h = r.Hessian;
        var c = h?.Criteria;
        static double? D(double? v) => v is double x && double.IsFinite(x) ? x : null;
        return new RunSummary(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')), r.Model?.Name ?? "?", r.Data?.Spec ?? "?", r.Data?.Split ?? "?",
            D(r.Accuracy), D(r.TestAccuracy), h?.TopEigenvalues is { Count: > 0 } e ? D(e[0]) : null, D(h?.Trace),
            D(c?.Re), D(c?.ReStd), D(c?.Kh), D(c?.KhStd), D(c?.Ct), D(c?.CtStd), c?.HesdType ?? "n/a", h?.Esd?.Density);
    }

    public static readonly string[] Columns = { "run", "model", "data", "split", "accuracy", "test_accuracy", "lambda1", "trace", "re", "re_std", "kh", "kh_std", "ct", "ct_std", "hesd_type" };

    public static string[] Cells(RunSummary s)
    {
        string N(double? x) => x is double v ? v.ToString("G6", CultureInfo.InvariantCulture) : "";
        return new[] { s.Run, s.Model, s.Data, s.Split, N(s.Accuracy), N(s.TestAccuracy), N(s.Lambda1), N(s.Trace), N(s.Re), N(s.ReStd), N(s.Kh), N(s.KhStd), N(s.Ct), N(s.CtStd), s.HesdType };
    }

    /// <summary>comparison.csv (RFC 4180 quoting) and esd-overlay.png in <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<RunSummary> runs)
    {
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", Columns));
        foreach (var s in runs) csv.AppendLine(string.Join(",", Cells(s).Select(Quote)));
        RunFolder.WriteAtomically(Path.Combine(folder, "comparison.csv"), tmp => File.WriteAllText(tmp, csv.ToString()));
        var files = new List<string> { "comparison.csv" };
        var withEsd = runs.Where(r => r.Density is not null).ToList();
        if (withEsd.Count > 0)
        {
            var plot = new Plot();
            foreach (var run in withEsd)
            {
                var density = run.Density!;
                double floor = density.Density.Max() * 1e-8;
                var line = plot.Add.ScatterLine(density.Lambda.ToArray(), density.Density.Select(d => Math.Log10(Math.Max(d, floor))).ToArray());
                line.LegendText = $"{run.Run} ({run.HesdType})";
                line.LineWidth = 1.4f;
            }
            plot.ShowLegend(Alignment.UpperRight);
            plot.Axes.Bottom.Label.Text = "eigenvalue λ";
            plot.Axes.Left.Label.Text = "density (log10)";
            plot.Title("Hessian eigenvalue spectral densities");
            PngFile.Save(Path.Combine(folder, "esd-overlay.png"), png => plot.SavePng(png, 900, 560));
            files.Add("esd-overlay.png");
        }
        return files;
    }

    private static string Quote(string cell) => cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
