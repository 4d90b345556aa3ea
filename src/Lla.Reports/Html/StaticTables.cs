using System.Globalization;
using System.Net;
using System.Text;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// The page's tables as plain HTML, for a browser without JavaScript (the plots need it, and the
/// page says so): model and data, criteria with their spread, eigenvalues, trace, landscapes.
/// </summary>
internal static class StaticTables
{
    public static string Html(RunResults r)
    {
        var h = new StringBuilder();
        h.Append("<p><b>JavaScript is off:</b> the tables below are all the page shows; its plots (spectral density, landscapes) need JavaScript, and the PNG figures in the run folder show them too.</p>");
        h.Append($"<h1>Lla.NET {E(r.Command)} report</h1>");
        var rows = new List<(string, string)>();
        if (r.Model is { } m) rows.Add(("model", $"{m.Name}, {m.Parameters:N0} parameters, {m.Dtype}, weights {m.Weights}"));
        if (r.Data is { } d) rows.Add(("data", $"{d.Spec} ({d.Split}), {d.Samples} samples in {d.Batches} batch(es), BatchNorm {r.BnMode}"));
        rows.Add(("loss / accuracy", $"{N(r.Loss)} / {P(r.Accuracy)}" + (r.TestAccuracy is double t && double.IsFinite(t) ? $", test accuracy {P(t)}" : "")));
        if (r.Hessian is { } hess)
        {
            if (hess.TopEigenvalues is { } values)
                rows.Add(($"top eigenvalues ({hess.EigenMethod})", string.Join(", ", values.Select((v, i) => $"{N(v)} (residual {N(hess.EigenResiduals is { } res && i < res.Count ? res[i] : null, "G2")})"))));
            if (hess.Trace is double trace) rows.Add(($"trace ({hess.TraceMethod})", $"{N(trace)} ± {N(hess.TraceStderr, "G3")}"));
            if (hess.Criteria is { } c)
            {
                string Spread(double? std) => c.Runs.Count < 2 ? "n/a (1 run)" : N(std, "G2");
                rows.Add(("re = |λmin/λmax|", $"{N(c.Re)} ± {Spread(c.ReStd)}"));
                rows.Add(($"Kh{c.KhPower.ToString("0.##", CultureInfo.InvariantCulture)}", c.Kh is null ? "∞" : $"{N(c.Kh)} ± {Spread(c.KhStd)}"));
                rows.Add(("Ct = λmin/λmax", $"{N(c.Ct)} ± {Spread(c.CtStd)}"));
                rows.Add(("HESD type", $"HESD type: {c.HesdType}" + (c.HesdType == "MP" ? " (the criteria apply)" : c.HesdType == "MN" ? " (the criteria do not apply)" : "")));
            }
        }
        if (r.CurvatureSplit is { } split)
        {
            foreach (var (name, x, mass) in new[] { ("H", split.Hessian, split.HessianMass), ("G", split.Ggn, split.GgnMass), ("R = H − G", split.Residual, split.ResidualMass) })
                rows.Add(($"split: {name}", $"top eigenvalues {string.Join(", ", (x.TopEigenvalues ?? []).Select(v => N(v)))}; trace {N(x.Trace)} ± {N(x.TraceStderr, "G3")}; negative mass Σ|λ<0| ≈ {N(mass.NegativeSum, "G3")}"));
            rows.Add(("split: where negative curvature comes from", CurvatureSplitPlot.Sentence(split)));
        }
        if (r.PerLayer is { } perLayer)
        {
            foreach (var l in perLayer.Layers)
                rows.Add(($"layer {l.Name} ({l.Dimension:N0})", $"λ1 {N(l.Analysis.TopEigenvalues is { Count: > 0 } v ? v[0] : null)}; trace {N(l.Analysis.Trace)} ± {N(l.Analysis.TraceStderr, "G3")}; re {N(l.Analysis.Criteria?.Re)}, Kh {N(l.Analysis.Criteria?.Kh)}, Ct {N(l.Analysis.Criteria?.Ct)}, type {l.Analysis.Criteria?.HesdType}"));
            rows.Add(("sum of layer traces / full trace", $"{N(perLayer.TraceSum)} ± {N(perLayer.TraceSumStderr, "G3")} / {N(perLayer.FullTrace)} ± {N(perLayer.FullTraceStderr, "G3")}"));
        }
        if (r.Diagonal is { } diag)
        {
            foreach (var l in diag.Layers)
                rows.Add(($"diagonal: {l.Name} ({l.Entries:N0})", $"mean {N(l.Mean)}, max {N(l.Max)}, sum {N(l.Sum)} ± {N(l.SumStderr, "G3")}"));
            rows.Add(("diagonal: all", $"sum {N(diag.Sum)} ± {N(diag.SumStderr, "G3")} ({diag.Probes} probes, {diag.File})"));
        }
        foreach (var l in r.Landscapes)
            rows.Add(($"landscape: {l.Label}", $"{l.Alphas.Count}×{l.Betas.Count} points, distance {N(l.Distance)}, loss {N(Min(l))} … {N(Max(l))}"));
        h.Append("<table>");
        foreach (var (k, v) in rows) h.Append($"<tr><th>{E(k)}</th><td>{E(v)}</td></tr>");
        h.Append("</table>");
        if (r.Measures is { Count: > 0 } measures)
        {
            h.Append("<h2>Generalization measures</h2><table><tr><th>measure</th><th>value</th><th>better</th><th>what it means</th></tr>");
            foreach (var x in measures)
                h.Append($"<tr><td>{E(x.Name)}</td><td>{E(x.Value is double v ? N(v) + (x.Spread is double sp ? " ± " + N(sp, "G2") : "") : "n/a: " + x.Reason)}</td>")
                 .Append($"<td>{(x.Direction > 0 ? "lower" : "higher")}</td><td>{E(x.Meaning)}</td></tr>");
            h.Append("</table>");
        }
        return h.ToString();
    }

    private static double Min(LandscapeRecord l) => l.Loss.SelectMany(x => x).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
    private static double Max(LandscapeRecord l) => l.Loss.SelectMany(x => x).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string N(double? v, string format = "G6") => v is double x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
    private static string P(double? v) => v is double x && double.IsFinite(x) ? (100 * x).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "n/a";
}
