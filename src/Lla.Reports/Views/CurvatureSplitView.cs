using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "curvature_split" payload: the stored verdict, the three densities overlaid (curvature-split.png), the numbers side by side.</summary>
public sealed class CurvatureSplitView : IResultsView
{
    public const string SplitFigure = "curvature-split.png";

    public int Order => 20;

    public IEnumerable<string> Files(RunResults results) => [SplitFigure];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        if (results.CurvatureSplit is not { } split) return [];
        CurvatureSplitPlot.Save(Path.Combine(folder, SplitFigure), split);
        return [SplitFigure];
    }

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.CurvatureSplit is not { } s) yield break;
        var blocks = new List<PageBlock>();
        if (s.Verdict is { } verdict) blocks.Add(new VerdictBlock(null, [verdict.Sentence], []));
        blocks.Add(new PlotBlock("split-densities", "curvature_split",
            "G is positive semi-definite: every eigenvalue left of zero in H comes from R, the network's own curvature weighted by the loss gradient."));
        var parts = new[] { ("H (Hessian)", s.Hessian, s.HessianMass), ("G (GGN / Fisher)", s.Ggn, s.GgnMass), ("R = H − G (residual)", s.Residual, s.ResidualMass) };
        blocks.Add(new TableBlock(["operator", "top eigenvalues", "trace", "negative mass Σ|λ<0| (SLQ)", "negative share", "HESD type"],
            parts.Select(p => (IReadOnlyList<string>)[p.Item1, string.Join(", ", (p.Item2.TopEigenvalues ?? []).Select(v => N(v, 5))),
                PlusMinus(p.Item2.Trace, p.Item2.TraceStderr), N(p.Item3.NegativeSum), Percent(p.Item3.NegativeShare), p.Item2.Criteria?.HesdType ?? "n/a"]).ToArray()));
        if (s.AnglesHessianGgn is { } a)
            blocks.Add(new TextBlock($"Principal angles between the top-{a.Cosines.Count} eigenvector subspaces of H and G: " +
                string.Join(", ", a.AnglesRad.Select(x => (x * 180 / Math.PI).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "°")) +
                " (0° = the same directions).", Muted: true));
        yield return new PageSection("Where the curvature comes from: H = G + R", blocks);
    }
}
