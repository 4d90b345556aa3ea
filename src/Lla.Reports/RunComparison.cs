using System.Globalization;
using System.Text;
using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>One row of a comparison of runs, read from a run's results.json.</summary>
/// <remarks><see cref="CriteriaRuns"/>: the SLQ runs behind the criteria; a spread is shown only when there are two or more.</remarks>
public sealed record RunSummary(string Run, string Model, string Data, string Split, double? Accuracy, double? TestAccuracy, double? Lambda1, double? Trace,
    double? Re, double? ReStd, double? Kh, double? KhStd, double? Ct, double? CtStd, string HesdType, DensityRecord? Density, int CriteriaRuns = 0);

/// <summary>`lla compare`: criteria with their spread, HESD type, accuracy, λ1 and trace of several runs side by side, and their ESDs overlaid.</summary>
public static class RunComparison
{
    public static RunSummary Read(string folder)
    {
        var r = ResultsSerializer.ReadRun(folder);
        var h = r.Hessian;
        var c = h?.Criteria;
        static double? D(double? v) => v is double x && double.IsFinite(x) ? x : null;
        // A `measure` run holds its curvature among its measures (lambda_max, trace, re, kh, ct) rather than in a Hessian record.
        double? M(string name) => D(r.Measures?.FirstOrDefault(m => m.Name == name)?.Value);
        int criteriaRuns = c?.Runs.Count ?? 0;
        // With one SLQ run there is no spread: its "standard deviation" is 0 by construction, not a measured 0.
        double? Spread(double? std) => criteriaRuns > 1 ? D(std) : null;
        return new RunSummary(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/')), r.Model?.Name ?? "?", r.Data?.Spec ?? "?", r.Data?.Split ?? "?",
            D(r.Accuracy), D(r.TestAccuracy), (h?.TopEigenvalues is { Count: > 0 } e ? D(e[0]) : null) ?? M("lambda_max"), D(h?.Trace) ?? M("trace"),
            D(c?.Re) ?? M("re"), Spread(c?.ReStd), D(c?.Kh) ?? M("kh"), Spread(c?.KhStd), D(c?.Ct) ?? M("ct"), Spread(c?.CtStd),
            c?.HesdType ?? "n/a", EsdPlot.CanDraw(h?.Esd?.Density) ? h!.Esd!.Density : null, criteriaRuns);
    }

    /// <summary>The printed table's header: what the console shows (comparison.csv has <see cref="Columns"/>).</summary>
    public static readonly string[] DisplayColumns = { "run", "model", "accuracy", "test acc.", "λ1", "trace", "re ± std", "Kh ± std", "Ct ± std", "HESD" };

    /// <summary>A row of the printed table: numbers to 4 significant digits, n/a where a run has none, "± std" only for two or more SLQ runs.</summary>
    public static string[] DisplayCells(RunSummary s)
    {
        static string N(double? x, string f = "G4") => x is double v ? v.ToString(f, CultureInfo.InvariantCulture) : "n/a";
        static string WithSpread(double? value, double? std) => std is double d ? $"{N(value)} ± {N(d, "G2")}" : N(value);
        return new[] { s.Run, s.Model, N(s.Accuracy, "P2"), N(s.TestAccuracy, "P2"), N(s.Lambda1), N(s.Trace),
            WithSpread(s.Re, s.ReStd), WithSpread(s.Kh, s.KhStd), WithSpread(s.Ct, s.CtStd), s.HesdType };
    }

    /// <summary>
    /// The table as plain text at its full width (for a pipe or a file, where a terminal's width means nothing):
    /// columns padded to their widest cell and separated by two spaces, one line per run, nothing wrapped.
    /// </summary>
    public static string PlainTable(IReadOnlyList<RunSummary> runs)
    {
        var rows = new List<string[]> { DisplayColumns };
        rows.AddRange(runs.Select(DisplayCells));
        var widths = Enumerable.Range(0, DisplayColumns.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
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
            var drawn = new List<double>();
            foreach (var run in withEsd)
            {
                var density = run.Density!;
                var logY = PngFile.LogDensity(density.Density);
                drawn.AddRange(logY);
                var line = plot.Add.ScatterLine(density.Lambda.ToArray(), logY);
                line.LegendText = $"{run.Run} ({run.HesdType})";
                line.LineWidth = 1.4f;
            }
            plot.ShowLegend(Alignment.UpperRight);
            plot.Axes.Bottom.Label.Text = "eigenvalue λ";
            plot.Axes.Left.Label.Text = "density (log scale)";
            PngFile.LogAxis(plot, drawn);
            plot.Title("Hessian eigenvalue spectral densities");
            PngFile.Save(Path.Combine(folder, "esd-overlay.png"), png => plot.SavePng(png, 900, 560));
            files.Add("esd-overlay.png");
        }
        return files;
    }

    private static string Quote(string cell) => cell.IndexOfAny(new[] { ',', '"', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
