using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// The short summary of a Hessian run, from its results: rows of (quantity, value) and the conclusions as the library
/// stored them. The command line draws them as a table; nothing here computes a result.
/// </summary>
public static class HessianSummary
{
    /// <summary>The table's rows, in order.</summary>
    public static IReadOnlyList<(string Quantity, string Value)> Rows(RunResults r)
    {
        string N(double? v, string format) => v is double x && double.IsFinite(x) ? x.ToString(format) : "n/a";
        var table = new List<(string, string)>();
        var (m, d, h) = (r.Model!, r.Data!, r.Hessian!);
        table.Add(("model", $"{m.Name}, {h.ParameterCount:N0} parameters analysed, {m.Dtype}"));
        foreach (var note in (m.WeightsNote is { } w ? [w] : Array.Empty<string>()).Concat(m.FileNotes ?? []))
            table.Add(("model note", note));
        table.Add(("data", $"{d.Spec} ({d.Split}), BatchNorm {r.BnMode}"));
        table.Add(("loss / accuracy", $"{N(r.Loss, "G4")} / {N(r.Accuracy, "P2")} on the analysed data" + (r.TestAccuracy is double t && double.IsFinite(t) ? $", {t:P2} on the test split" : "")));
        if (r.Perplexity is double perplexity) table.Add(("perplexity", $"{N(perplexity, "G4")} (exp of the next-token loss)"));
        AddAnalysis(table, h, "", N);
        // --split-curvature: G's and R's results too (H's are the rows above when the run analyses the Hessian).
        if (r.CurvatureSplit is { } split)
        {
            if (h.Operator != "hessian") AddAnalysis(table, split.Hessian, "H: ", N);
            AddAnalysis(table, split.Ggn, "G (GGN): ", N);
            AddAnalysis(table, split.Residual, "R = H − G: ", N);
        }
        table.Add(("HVPs / time", $"{TotalProducts(r)} / {r.Timings.GetValueOrDefault("total"):F1} s" + ProductsBreakdown(r)));
        table.Add(("numeric guard", r.NumericGuard?.Reason ?? "not run"));
        return table;
    }

    /// <summary>The conclusions as the library stored them (the HESD meaning, the split's verdict).</summary>
    public static IReadOnlyList<string> Conclusions(RunResults r) =>
        new[] { r.Hessian?.Criteria?.Meaning, r.CurvatureSplit?.Verdict?.Sentence }.OfType<string>().ToArray();

    /// <summary>The rows of one operator's analysis (eigenvalues, trace, criteria), labelled with <paramref name="prefix"/>.</summary>
    private static void AddAnalysis(List<(string, string)> table, HessianRecord h, string prefix, Func<double?, string, string> N)
    {
        if (h.TopEigenvalues is { } values)
        {
            string text = string.Join(", ", values.Select((v, i) => $"{v:G6} (residual {h.EigenResiduals![i]:G2}{(h.EigenConverged![i] ? "" : ", NOT converged")})"));
            table.Add(($"{prefix}top eigenvalues ({h.EigenMethod})", text));
        }
        if (h.Trace is double trace)
            table.Add(($"{prefix}trace ({TraceMethodName(h.TraceMethod)})", $"{trace:G6} ± {h.TraceStderr:G3} ({h.TraceHvps} HVPs)"));
        if (h.Criteria is { } c)
        {
            // A spread needs two SLQ runs: with one there is none to show.
            string Spread(double? std) => c.Runs.Count < 2 ? " ± n/a (1 run)" : $" ± {std:G2}";
            table.Add(($"{prefix}re = |λmin/λmax|", c.Re is double re ? $"{re:G4}{Spread(c.ReStd)}" : "undefined"));
            table.Add(($"{prefix}Kh{c.KhPower:G3}", c.Kh is double kh ? $"{kh:G4}{Spread(c.KhStd)}" : KhMissing(c)));
            table.Add(($"{prefix}Ct = λmin/λmax", $"{N(c.Ct, "G4")}{Spread(c.CtStd)}"));
            table.Add(($"{prefix}HESD type", c.HesdType));
        }
    }

    /// <summary>Why Kh has no value, from the runs' own notes (no positive mass, or beyond the largest double at a large power).</summary>
    public static string KhMissing(CriteriaRecord c)
    {
        var reasons = c.Runs.Select(run => run.Note).OfType<string>().SelectMany(n => n.Split("; "))
            .Where(n => n.Contains("Kh")).Distinct().ToList();
        return reasons.Count == 0 ? "n/a (a run has no Kh)" : "n/a: " + string.Join("; ", reasons);
    }

    public static string TraceMethodName(string? method) => method switch
    {
        "hutch++" => "Hutch++",
        "xtrace" => "XTrace",
        "hutchinson" => "Hutchinson",
        _ => method ?? "n/a",
    };

    /// <summary>Every operator product of the run: the analysis, the split's other operators, the layers, the block spectra and the diagonal.</summary>
    public static long TotalProducts(RunResults r)
    {
        var h = r.Hessian!;
        long total = h.HvpCount;
        if (r.CurvatureSplit is { } split)
            total += split.Ggn.HvpCount + split.Residual.HvpCount + (h.Operator != "hessian" ? split.Hessian.HvpCount : 0);
        if (r.PerLayer is { } layers) total += layers.Layers.Sum(l => l.Analysis.HvpCount);
        if (r.BlockSpectra is { } blocks) total += blocks.Hvps;
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
        if (r.BlockSpectra is { } blocks) parts.Add($"{blocks.Hvps} block spectra");
        if (r.Diagonal is { } diagonal) parts.Add($"{diagonal.Hvps} diagonal");
        return parts.Count == 0 ? "" : $" ({string.Join(" + ", parts)})";
    }
}
