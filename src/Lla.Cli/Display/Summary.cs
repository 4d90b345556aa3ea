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
        if (h.TopEigenvalues is { } values)
        {
            string text = string.Join(", ", values.Select((v, i) => $"{v:G6} (residual {h.EigenResiduals![i]:G2}{(h.EigenConverged![i] ? "" : ", NOT converged")})"));
            table.AddRow($"top eigenvalues ({h.EigenMethod})", Markup.Escape(text));
        }
        if (h.Trace is double trace)
            table.AddRow($"trace ({(h.TraceMethod == "hutch++" ? "Hutch++" : "Hutchinson")})", $"{trace:G6} ± {h.TraceStderr:G3} ({h.TraceHvps} HVPs)");
        if (h.Criteria is { } c)
        {
            // A spread needs two SLQ runs: with one there is none to show.
            string Spread(double? std) => c.Runs.Count < 2 ? " ± n/a (1 run)" : $" ± {std:G2}";
            table.AddRow("re = |λmin/λmax|", c.Re is double re ? $"{re:G4}{Spread(c.ReStd)}" : "undefined");
            table.AddRow($"Kh{c.KhPower:0.##}", c.Kh is double kh ? $"{kh:G4}{Spread(c.KhStd)}" : "infinite (no positive eigenvalue mass)");
            table.AddRow("Ct = λmin/λmax", $"{N(c.Ct, "G4")}{Spread(c.CtStd)}");
            table.AddRow("HESD type", c.HesdType);
        }
        table.AddRow("HVPs / time", $"{h.HvpCount} / {r.Timings.GetValueOrDefault("total"):F1} s");
        table.AddRow("numeric guard", Markup.Escape(r.NumericGuard?.Reason ?? "not run"));
        AnsiConsole.Write(table);
        if (h.Criteria is { } crit) AnsiConsole.WriteLine(crit.Meaning());
        AnsiConsole.WriteLine($"Results: {Path.Combine(folder, ResultsSerializer.ResultsFile)}");
        AnsiConsole.WriteLine($"Open {Path.Combine(folder, "report.html")} in a browser for the report.");
    }
}
