using Lla.Runs;
using Spectre.Console;

namespace Lla.Cli.Display;

/// <summary>The short human summary printed after a Hessian run, from its results.</summary>
internal static class Summary
{
    public static void Print(RunResults r, string folder)
    {
        string N(double? v, string format) => v is double x && double.IsFinite(x) ? x.ToString(format) : "n/a";
        var table = new Table().Border(TableBorder.Rounded).AddColumn("quantity").AddColumn("value");
        var (m, d, h) = (r.Model!, r.Data!, r.Hessian!);
        table.AddRow("model", Markup.Escape($"{m.Name}, {h.ParameterCount:N0} parameters analysed, {m.Dtype}"));
        table.AddRow("data", Markup.Escape($"{d.Spec} ({d.Split}), BatchNorm {r.BnMode}"));
        table.AddRow("loss / accuracy", $"{N(r.Loss, "G4")} / {N(r.Accuracy, "P2")} on the analysed data" + (r.TestAccuracy is double t && double.IsFinite(t) ? $", {t:P2} on the test split" : ""));
        AddAnalysis(table, h, "", N);
        // --split-curvature: G's and R's results too (H's are the rows above when the run analyses the Hessian).
        if (r.CurvatureSplit is { } split)
        {
            if (h.Operator != "hessian") AddAnalysis(table, split.Hessian, "H: ", N);
            AddAnalysis(table, split.Ggn, "G (GGN): ", N);
            AddAnalysis(table, split.Residual, "R = H − G: ", N);
        }
        table.AddRow("HVPs / time", $"{TotalProducts(r)} / {r.Timings.GetValueOrDefault("total"):F1} s" + ProductsBreakdown(r));
        table.AddRow("numeric guard", Markup.Escape(r.NumericGuard?.Reason ?? "not run"));
        AnsiConsole.Write(table);
        // The conclusions as the library stored them.
        if (h.Criteria?.Meaning is { } meaning) AnsiConsole.WriteLine(meaning);
        if (r.CurvatureSplit?.Verdict is { } verdict) AnsiConsole.WriteLine(verdict.Sentence);
        AnsiConsole.WriteLine($"Results: {Path.Combine(folder, ResultsSerializer.ResultsFile)}");
        AnsiConsole.WriteLine($"Open {Path.Combine(folder, "report.html")} in a browser for the report.");
    }

    /// <summary>The rows of one operator's analysis (eigenvalues, trace, criteria), labelled with <paramref name="prefix"/>.</summary>
    private static void AddAnalysis(Table table, HessianRecord h, string prefix, Func<double?, string, string> N)
    {
        if (h.TopEigenvalues is { } values)
        {
            string text = string.Join(", ", values.Select((v, i) => $"{v:G6} (residual {h.EigenResiduals![i]:G2}{(h.EigenConverged![i] ? "" : ", NOT converged")})"));
            table.AddRow(Markup.Escape($"{prefix}top eigenvalues ({h.EigenMethod})"), Markup.Escape(text));
        }
        if (h.Trace is double trace)
            table.AddRow(Markup.Escape($"{prefix}trace ({TraceMethodName(h.TraceMethod)})"), $"{trace:G6} ± {h.TraceStderr:G3} ({h.TraceHvps} HVPs)");
        if (h.Criteria is { } c)
        {
            // A spread needs two SLQ runs: with one there is none to show.
            string Spread(double? std) => c.Runs.Count < 2 ? " ± n/a (1 run)" : $" ± {std:G2}";
            table.AddRow(Markup.Escape($"{prefix}re = |λmin/λmax|"), c.Re is double re ? $"{re:G4}{Spread(c.ReStd)}" : "undefined");
            table.AddRow(Markup.Escape($"{prefix}Kh{c.KhPower:G3}"), c.Kh is double kh ? $"{kh:G4}{Spread(c.KhStd)}" : Markup.Escape(KhMissing(c)));
            table.AddRow(Markup.Escape($"{prefix}Ct = λmin/λmax"), $"{N(c.Ct, "G4")}{Spread(c.CtStd)}");
            table.AddRow(Markup.Escape($"{prefix}HESD type"), c.HesdType);
        }
    }

    /// <summary>Why Kh has no value, from the runs' own notes (no positive mass, or beyond the largest double at a large power).</summary>
    internal static string KhMissing(CriteriaRecord c)
    {
        var reasons = c.Runs.Select(run => run.Note).OfType<string>().SelectMany(n => n.Split("; "))
            .Where(n => n.Contains("Kh")).Distinct().ToList();
        return reasons.Count == 0 ? "n/a (a run has no Kh)" : "n/a: " + string.Join("; ", reasons);
    }

    internal static string TraceMethodName(string? method) => method switch
    {
        "hutch++" => "Hutch++",
        "xtrace" => "XTrace",
        "hutchinson" => "Hutchinson",
        _ => method ?? "n/a",
    };

    /// <summary>Every operator product of the run: the analysis, the split's other operators, the layers and the diagonal.</summary>
    internal static long TotalProducts(RunResults r)
    {
        var h = r.Hessian!;
        long total = h.HvpCount;
        if (r.CurvatureSplit is { } split)
            total += split.Ggn.HvpCount + split.Residual.HvpCount + (h.Operator != "hessian" ? split.Hessian.HvpCount : 0);
        if (r.PerLayer is { } layers) total += layers.Layers.Sum(l => l.Analysis.HvpCount);
        if (r.Diagonal is { } diagonal) total += diagonal.Hvps;
        return total;
    }

    private static string ProductsBreakdown(RunResults r)
    {
        var h = r.Hessian!;
        var parts = new List<string>();
        if (r.CurvatureSplit is { } split)
        {
            parts.Add($"{(h.Operator == "hessian" ? h.HvpCount : split.Hessian.HvpCount)} H");
            if (h.Operator != "hessian") parts.Add($"{h.HvpCount} {h.Operator}");
            parts.Add($"{split.Ggn.HvpCount} G");
            parts.Add($"{split.Residual.HvpCount} R");
        }
        if (r.PerLayer is { } layers) parts.Add($"{layers.Layers.Sum(l => l.Analysis.HvpCount)} per layer");
        if (r.Diagonal is { } diagonal) parts.Add($"{diagonal.Hvps} diagonal");
        return parts.Count == 0 ? "" : Markup.Escape($" ({string.Join(" + ", parts)})");
    }
}
