using Lla.Cli.Pipeline;
using Lla.Curvature;
using Lla.Objectives;
using Lla.Runs;
using Spectre.Console;

namespace Lla.Cli.Display;

/// <summary>The short human summary printed after a Hessian run.</summary>
internal static class Summary
{
    public static void Print(HessianJobOptions o, HessianAnalysisResult r, LossAndAccuracy atWeights, double? testAccuracy,
        OneDnnDecision guard, RunFolder folder, double seconds, long parameterCount)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("quantity").AddColumn("value");
        table.AddRow("model", Markup.Escape($"{o.Source.Model}, {parameterCount:N0} parameters analysed, {o.Source.DType.ToString().ToLowerInvariant()}"));
        table.AddRow("data", Markup.Escape($"{o.Source.Data} ({o.Selection.Split.ToString().ToLowerInvariant()}), BatchNorm {o.Selection.BatchNorm.ToString().ToLowerInvariant()}"));
        table.AddRow("loss / accuracy", $"{atWeights.Loss:G4} / {atWeights.Accuracy:P2} on the analysed data" + (testAccuracy is double t ? $", {t:P2} on the test split" : ""));
        if (r.Eigen is { } e)
        {
            string values = string.Join(", ", e.Pairs.Select(p => $"{p.Value:G6} (residual {p.Residual:G2}{(p.Converged ? "" : ", NOT converged")})"));
            table.AddRow($"top eigenvalues ({e.Method})", Markup.Escape(values));
        }
        if (r.Trace is { } tr) table.AddRow($"trace ({(tr.Method == "hutch++" ? "Hutch++" : "Hutchinson")})", $"{tr.Trace:G6} ± {tr.StandardError:G3} ({tr.OperatorApplications} HVPs)");
        if (r.Criteria is { } c)
        {
            table.AddRow("re = |λmin/λmax|", c.Re is double re ? $"{re:G4} ± {c.ReStd:G2}" : "undefined");
            table.AddRow($"Kh{c.KhPower:0.##}", c.Kh is double kh ? $"{kh:G4} ± {c.KhStd:G2}" : "infinite (no positive eigenvalue mass)");
            table.AddRow("Ct = λmin/λmax", $"{c.Ct:G4} ± {c.CtStd:G2}");
            table.AddRow("HESD type", c.HesdType);
        }
        table.AddRow("HVPs / time", $"{r.HvpCount} / {seconds:F1} s");
        table.AddRow("numeric guard", Markup.Escape(guard.Reason));
        AnsiConsole.Write(table);
        if (r.Criteria is { } crit) AnsiConsole.WriteLine(Meaning(crit));
        AnsiConsole.WriteLine($"Results: {folder.ResultsPath}");
    }

    public static string Meaning(CriteriaResult c) => c.HesdType switch
    {
        "MP" => $"The spectrum is mainly positive (Ct = {c.Ct:G3} ≥ {c.CtThreshold}), so the criteria apply: smaller re and Kh mean a flatter, " +
                "more convex minimum. Compare them between datasets: the papers report that their changes track changes of accuracy.",
        "MN" => $"The spectrum is mainly negative (Ct = {c.Ct:G3} < {c.CtThreshold}): the criteria do not apply to this model. " +
                "This is typical of random initialization or of training with external gradient manipulation (aggressive clipping, Hessian-based optimizers).",
        _ => "The spectrum has no positive eigenvalue, so the HESD type and the criteria are undefined here.",
    };
}
