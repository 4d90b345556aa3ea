using System.Globalization;
using Lla.Runs;
using ScottPlot;

namespace Lla.Reports;

/// <summary>
/// The curvature split's figure: the smoothed spectral densities of H, G and R = H − G overlaid on
/// one log-density axis (as <see cref="EsdPlot"/>), and the sentence that says where H's negative
/// eigenvalues come from (<see cref="Sentence"/>, also on the page).
/// </summary>
public static class CurvatureSplitPlot
{
    public static void Save(string path, CurvatureSplitRecord split, int width = 900, int height = 560)
    {
        var plot = new Plot();
        var series = new[] { ("H (Hessian)", split.Hessian, Colors.SteelBlue), ("G (GGN)", split.Ggn, Colors.ForestGreen), ("R = H − G", split.Residual, Colors.OrangeRed) };
        // One floor for all three curves (1e-8 of the highest peak), so their floors coincide.
        double peak = series.Max(s => s.Item2.Esd?.Density?.Density.Where(double.IsFinite).DefaultIfEmpty(0).Max() ?? 0);
        var drawn = new List<double>();
        foreach (var (name, record, colour) in series)
        {
            if (record.Esd?.Density is not { } d || !EsdPlot.CanDraw(d)) continue;
            var logY = PngFile.LogDensity(d.Density, peak);
            drawn.AddRange(logY);
            var line = plot.Add.ScatterLine(d.Lambda.ToArray(), logY);
            line.LineWidth = 1.5f;
            line.Color = colour;
            line.LegendText = name;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.Label.Text = "eigenvalue λ";
        plot.Axes.Left.Label.Text = "density (log scale)";
        PngFile.LogAxis(plot, drawn);
        plot.Title("Spectral densities of H = G + R");
        var vertical = plot.Add.VerticalLine(0);
        vertical.Color = Colors.Gray.WithAlpha(0.6);
        vertical.LinePattern = LinePattern.Dashed;
        PngFile.Save(path, png => plot.SavePng(png, width, height));
    }

    /// <summary>
    /// Where H's negative eigenvalues come from, in plain words, from the stored masses: G ⪰ 0 has
    /// none, so they come from R (the network's own second derivatives weighted by the loss
    /// gradient), and H keeps the share of R's negative mass that G's positive curvature leaves.
    /// A mass below 1e-9 of the same operator's positive mass counts as none (rounding).
    /// </summary>
    public static string Sentence(CurvatureSplitRecord s)
    {
        static bool None(SpectralMassRecord m) => !(m.Negative > 1e-9 * m.Positive);
        string P(double x) => (100 * x).ToString(x < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + "%";
        string N(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
        string g = None(s.GgnMass) ? "G, the loss's curvature seen through the network's Jacobian, has no negative eigenvalues" : $"G shows a negative mass of {N(s.GgnMass.NegativeSum)} (rounding: G is positive semi-definite)";
        if (None(s.ResidualMass) && None(s.HessianMass))
            return $"{g}, and neither H nor R has measurable negative curvature: H is positive semi-definite here.";
        if (None(s.HessianMass))
            return $"{g}. The residual R = H − G has negative curvature (Σ|λ<0| ≈ {N(s.ResidualMass.NegativeSum)}), but G's positive curvature cancels all of it: H shows none.";
        string kept = s.HessianOverResidualNegativeMass is double k ? $" H keeps {P(k)} of R's negative mass; G's positive curvature cancels the rest." : "";
        return $"{g}, so all of H's negative curvature (Σ|λ<0| ≈ {N(s.HessianMass.NegativeSum)}) comes from the residual R = H − G (Σ|λ<0| ≈ {N(s.ResidualMass.NegativeSum)}): " +
               $"the network's own second derivatives weighted by the loss gradient, not the loss's curvature.{kept}";
    }
}
