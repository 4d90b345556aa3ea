using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lla.Runs;
using Lla.Studies;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// The pictures of a finished study (its data files, study.json and the tables, are the library's):
/// scatter plots of Δcriterion vs Δaccuracy (one colour per model), the models' Ct on their
/// training split, and a standalone report.html (images inlined, no scripts).
/// </summary>
public static class StudyReport
{
    /// <summary>The figures and report.html of a study whose study.json, table.csv and table.json the library wrote; returns the files drawn.</summary>
    public static IReadOnlyList<string> Write(string folder, StudyConfig config, StudyResults study)
    {
        var files = new List<string>();
        foreach (var criterion in StudyOutcome.CriteriaNames)
        {
            string name = $"scatter-{criterion.ToLowerInvariant()}.png";
            Save(Path.Combine(folder, name), Scatter(study, criterion, config.Analysis.KhPower), width: 1100);
            files.Add(name);
        }
        Save(Path.Combine(folder, "hesd-types.png"), Types(study, config.Analysis.CtThreshold));
        files.Add("hesd-types.png");
        files.AddRange(StudyMeasurePlots.Write(folder, study));
        if (study.Leaderboard is { } board)
        {
            string markdown = StudyLeaderboardMarkdown.Render(config.Name, board);
            RunFolder.WriteAtomically(Path.Combine(folder, StudyLeaderboardMarkdown.FileName), tmp => File.WriteAllText(tmp, markdown));
            files.Add(StudyLeaderboardMarkdown.FileName);
        }
        string html = Html(folder, config, study);
        RunFolder.WriteAtomically(Path.Combine(folder, "report.html"), tmp => File.WriteAllText(tmp, html));
        files.Add("report.html");
        return files;
    }

    private static Plot Scatter(StudyResults outcome, string criterion, double khPower)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category20();
        int index = 0;
        foreach (var model in outcome.HesdTypes.Where(t => !t.Reference))
        {
            var points = outcome.Rows.Where(r => r.Model == model.Model)
                .Select(r => (X: r.DeltaAccuracy, Y: criterion == "re" ? r.DeltaRe : r.DeltaKh))
                .Where(p => p.X is double x && double.IsFinite(x) && p.Y is double y && double.IsFinite(y)).Select(p => (X: p.X!.Value, Y: p.Y!.Value)).ToList();
            if (points.Count == 0) { index++; continue; }
            var scatter = plot.Add.ScatterPoints(points.Select(p => p.X * 100).ToArray(), points.Select(p => p.Y).ToArray());
            scatter.Color = palette.GetColor(index++);
            scatter.MarkerSize = model.HesdType == "MP" ? 9 : 7;
            scatter.MarkerShape = model.HesdType == "MP" ? MarkerShape.FilledCircle : MarkerShape.OpenSquare;
            scatter.LegendText = $"{model.Model} ({model.HesdType})";
        }
        string label = criterion == "re" ? "re" : $"Kh{khPower.ToString("0.##", CultureInfo.InvariantCulture)}";
        var c = outcome.Correlations.FirstOrDefault(x => x.Criterion == criterion && x.Group == StudyOutcome.MpGroup);
        plot.Title(c is null ? $"Δ{label} vs Δaccuracy" :
            $"Δ{label} vs Δaccuracy — MP models: Spearman {StudyOutcome.F(c.Spearman.Value)} [{StudyOutcome.F(c.Spearman.Low)}, {StudyOutcome.F(c.Spearman.High)}], {c.Verdict}");
        plot.Axes.Bottom.Label.Text = "Δaccuracy vs the training split (percentage points)";
        plot.Axes.Left.Label.Text = $"Δ{label} vs the training split";
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Gray.WithAlpha(0.5);
        zero.LinePattern = LinePattern.Dashed;
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot Types(StudyResults outcome, double threshold)
    {
        var plot = new Plot();
        var types = outcome.HesdTypes.ToList();
        for (int i = 0; i < types.Count; i++)
        {
            double ct = types[i].Ct ?? double.NaN;
            if (!double.IsFinite(ct)) continue;
            var bar = plot.Add.Bar(position: i, value: ct);
            bar.Color = types[i].HesdType == "MP" ? Colors.SteelBlue : types[i].HesdType == "MN" ? Colors.FireBrick : Colors.Gray;
        }
        var line = plot.Add.HorizontalLine(threshold);
        line.Color = Colors.Black;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = $"MP/MN threshold Ct = {threshold}";
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, types.Count).Select(i => (double)i).ToArray(), types.Select(t => t.Model).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Left.Label.Text = "Ct = λmin/λmax on the training split";
        plot.Title("HESD type per model (blue MP, red MN)");
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    private static void Save(string path, Plot plot, int width = 900) =>
        PngFile.Save(path, png => plot.SavePng(png, width, 560));

    private static string Html(string folder, StudyConfig config, StudyResults outcome)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        string Image(string name) => $"<img alt=\"{E(name)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, name)))}\">";
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
         .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">")
         .Append($"<title>lla study {E(config.Name)}</title><style>")
         .Append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}")
         .Append("table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}")
         .Append("th{background:#f3f3f3}td:first-child,td:nth-child(2){text-align:left}.held{color:#176a17;font-weight:600}")
         .Append(".contradicted{color:#a11;font-weight:600}.shown{color:#a60;font-weight:600}img{max-width:100%}li{margin:.4em 0}</style></head><body>");
        h.Append($"<h1>Do the Hessian criteria track accuracy? Study “{E(config.Name)}”</h1>");
        if (outcome.Leaderboard is { } board)
        {
            h.Append(StudyLeaderboardHtml.Section(board)).Append(Image(StudyMeasurePlots.RankChart)).Append("<div>");
            foreach (var e in board.Entries.Where(e => e.AllModels is not null))
                h.Append(Image(StudyMeasurePlots.ScatterFile(e.Measure)).Replace("<img ", "<img style=\"max-width:49%\" "));
            h.Append("</div>");
        }
        h.Append("<p>The claim tested (Gabdullin 2024, 2025): when the dataset changes, the change of re and Kh relative to the training split ")
         .Append("correlates with the change of accuracy — criteria grow as accuracy falls, a <b>negative</b> correlation — for models whose Hessian ")
         .Append("spectrum is mainly positive (MP, Ct ≥ ").Append(config.Analysis.CtThreshold.ToString(CultureInfo.InvariantCulture)).Append("). Intervals: 95% percentile bootstrap over models (")
         .Append(config.Analysis.BootstrapResamples).Append(" resamples), since the pairs of one model are not independent.</p>");
        h.Append("<h2>Findings</h2><ul>");
        foreach (var f in outcome.Findings)
        {
            string css = f.StartsWith("The claim held", StringComparison.Ordinal) ? "held" : f.StartsWith("The claim was contradicted", StringComparison.Ordinal) ? "contradicted" : f.StartsWith("The claim", StringComparison.Ordinal) ? "shown" : "";
            h.Append($"<li class=\"{css}\">{E(f)}</li>");
        }
        h.Append("</ul><h2>Correlations of Δcriterion with Δaccuracy</h2><table><tr><th>criterion</th><th>models</th><th>pairs</th><th>Spearman ρ [95% CI]</th><th>Pearson r [95% CI]</th><th>verdict</th></tr>");
        foreach (var c in outcome.Correlations)
            h.Append($"<tr><td>{E(c.Criterion)}</td><td>{E(c.Group)} ({c.Spearman.Groups})</td><td>{c.Spearman.Points}</td>")
             .Append($"<td>{StudyOutcome.F(c.Spearman.Value)} [{StudyOutcome.F(c.Spearman.Low)}, {StudyOutcome.F(c.Spearman.High)}]</td>")
             .Append($"<td>{StudyOutcome.F(c.Pearson.Value)} [{StudyOutcome.F(c.Pearson.Low)}, {StudyOutcome.F(c.Pearson.High)}]</td><td>{E(c.Verdict)}</td></tr>");
        h.Append("</table>");
        foreach (var criterion in StudyOutcome.CriteriaNames) h.Append(Image($"scatter-{criterion.ToLowerInvariant()}.png"));
        h.Append("<h2>Within each model, across datasets</h2><table><tr><th>model</th><th>criterion</th><th>points</th><th>Spearman ρ</th><th>Pearson r</th></tr>");
        foreach (var w in outcome.WithinModel)
            h.Append($"<tr><td>{E(w.Model)}</td><td>{E(w.Criterion)}</td><td>{w.Points}</td><td>{StudyOutcome.F(w.Spearman)}</td><td>{StudyOutcome.F(w.Pearson)}</td></tr>");
        h.Append("</table><h2>HESD type of each model (training split)</h2><table><tr><th>model</th><th>recipe</th><th>type</th><th>Ct</th><th>train acc.</th><th>test acc.</th></tr>");
        foreach (var t in outcome.HesdTypes)
            h.Append($"<tr><td>{E(t.Model)}</td><td style=\"text-align:left\">{E(t.Recipe)}</td><td>{E(t.HesdType)}</td><td>{StudyOutcome.F(t.Ct)}</td>")
             .Append($"<td>{(t.TrainAccuracy * 100).ToString("0.00", CultureInfo.InvariantCulture)}%</td><td>{(t.TestAccuracy is double a ? (a * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "n/a")}</td></tr>");
        h.Append("</table>").Append(Image("hesd-types.png"));
        h.Append("<h2>Every measurement</h2><table><tr>");
        foreach (var c in StudyTable.Columns) h.Append($"<th>{E(c)}</th>");
        h.Append("</tr>");
        foreach (var row in outcome.Rows)
        {
            h.Append("<tr>");
            foreach (var cell in StudyTable.Cells(row)) h.Append($"<td>{E(cell)}</td>");
            h.Append("</tr>");
        }
        h.Append("</table><h2>Settings</h2><pre>").Append(E(new JsonObject { ["config"] = config.ToJson(), ["meta"] = ResultsSerializer.ToNode(outcome.Meta) }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })))
         .Append("</pre></body></html>");
        return h.ToString();
    }
}
