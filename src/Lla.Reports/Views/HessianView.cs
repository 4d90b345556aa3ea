using System.Globalization;
using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "hessian" payload: λ1 and trace cards, the HESD verdict with the criteria, the top eigenvalues, the spectral density (esd.png).</summary>
public sealed class HessianView : IResultsView
{
    public const string EsdFigure = "esd.png";

    public int Order => 10;

    public IEnumerable<string> Files(RunResults results) => [EsdFigure];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        // Only what the results hold is drawn: an empty or ragged array (a hand-edited or truncated file) is left out, not a crash.
        if (results.Hessian?.Esd is not { Runs.Count: > 0 } esd || !EsdPlot.CanDraw(esd.Density)) return [];
        EsdPlot.Save(Path.Combine(folder, EsdFigure), esd, results.Hessian.Criteria);
        return [EsdFigure];
    }

    public IEnumerable<PageCard> Cards(RunResults results)
    {
        if (results.Hessian is not { } h) yield break;
        if (h.TopEigenvalues is { Count: > 0 } top) yield return new PageCard("λ1 (top eigenvalue)", N(top[0], 6));
        if (h.Trace is double trace) yield return new PageCard("trace", PlusMinus(trace, h.TraceStderr));
    }

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.Hessian is not { } h) yield break;
        if (h.Criteria is { } c) yield return new PageSection(null, [Verdict(c), CriteriaTable(c)]);
        if (h.TopEigenvalues is { Count: > 0 } values)
            yield return new PageSection("Top eigenvalues",
            [
                new TableBlock(["#", "eigenvalue", "relative residual ‖Hv − λv‖/|λ|", "converged (≤ 1e-3)"],
                    values.Select((v, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), N(v, 7),
                        N(h.EigenResiduals is { } r && i < r.Count ? r[i] : null, 2), h.EigenConverged is { } ok && i < ok.Count && ok[i] ? "yes" : "NO"]).ToArray()),
                new TextBlock($"{h.EigenMethod}, {h.EigenSteps} steps{Restarted(h)}, {h.EigenHvps} Hessian-vector products; {h.HvpCount} in the whole analysis.", Muted: true),
            ]);
        if (h.Esd is { Runs.Count: > 0 } esd && esd.Density is not null)
            yield return new PageSection("Hessian eigenvalue spectral density",
            [
                new PlotBlock("density", "hessian", $"{esd.Runs.Count} SLQ run(s) × {esd.Runs[0].Steps} Lanczos steps. Most eigenvalues sit near zero (the tall peak); " +
                    "the isolated spikes on the right are the large curvatures the top eigenvalues measure. Mass left of zero is negative curvature, which re, Kh and Ct quantify."),
            ]);
    }

    /// <summary>The stored HESD type and its stored meaning, with the notes on missing values.</summary>
    /// <summary>", restarted N times with a basis of M vectors" when the Lanczos run restarted (docs/eigenpairs.md), else nothing.</summary>
    private static string Restarted(HessianRecord h) => h.EigenRestarts is > 0 and int restarts
        ? $", restarted {restarts} time{(restarts == 1 ? "" : "s")} with a basis of {h.EigenBasis} vectors"
        : "";

    internal static VerdictBlock Verdict(CriteriaRecord c) =>
        new($"HESD type: {c.HesdType}", c.Meaning is { } meaning ? [meaning] : [], c.Notes, c.HesdType);

    internal static TableBlock CriteriaTable(CriteriaRecord c)
    {
        // A spread needs two SLQ runs: with one there is none to show.
        string Spread(double? std) => c.Runs.Count < 2 ? "n/a (1 run)" : N(std, 2);
        return new TableBlock(["criterion", "mean over SLQ runs", "spread (std)", "meaning"],
        [
            ["re = |λmin/λmax|", N(c.Re), Spread(c.ReStd), "how large the most negative curvature is next to the most positive"],
            [$"Kh{c.KhPower.ToString(CultureInfo.InvariantCulture)}", c.Kh is null ? "∞" : N(c.Kh), Spread(c.KhStd), "weighted mass of negative against positive eigenvalues"],
            ["Ct = λmin/λmax", N(c.Ct), Spread(c.CtStd), $"decides the type: MP when ≥ {c.CtThreshold.ToString(CultureInfo.InvariantCulture)}"],
        ]);
    }
}
