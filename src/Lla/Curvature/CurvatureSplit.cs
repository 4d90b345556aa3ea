using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;

namespace Lla.Curvature;

/// <summary>
/// The split H = G + R analysed in one run (METHOD.md, "Curvature operators beyond the Hessian"):
/// the same analysis (top-k eigenpairs, trace, SLQ density, criteria) of the Hessian H, the GGN G
/// and the residual R; the principal angles between the top-k eigenvector subspaces of H and G;
/// and the negative spectral mass Σ_{λ&lt;0}|λ|·w of each density.
/// </summary>
/// <param name="AnglesHessianGgn">Principal angles between the top-k eigenvectors of H and of G; null when top-k is 0.</param>
public sealed record CurvatureSplitResult(
    HessianAnalysisResult Hessian, HessianAnalysisResult Ggn, HessianAnalysisResult Residual,
    PrincipalAnglesResult? AnglesHessianGgn,
    SpectralMassResult HessianMass, SpectralMassResult GgnMass, SpectralMassResult ResidualMass)
{
    /// <summary>
    /// H's negative mass over R's. By Weyl's inequality λ_i(H) ≥ λ_i(R) (G ⪰ 0), so H's negative
    /// eigenvalues are no more negative than R's: the exact ratio lies in [0, 1], and 1 − ratio is
    /// the share of R's negative curvature that G's positive curvature cancels. NaN when R has none.
    /// </summary>
    public double HessianOverResidualNegativeMass => ResidualMass.Negative > 0 ? HessianMass.Negative / ResidualMass.Negative : double.NaN;
}

public static class CurvatureSplit
{
    /// <summary>The analysis each operator gets: the run's, with the trace and the density always on (the split compares them).</summary>
    public static HessianAnalysisOptions OptionsFor(HessianAnalysisOptions options) => options with { Trace = true, Esd = true };

    /// <summary>
    /// Builds G and R on <paramref name="objective"/> (refused with a <see cref="LlaException"/> for a loss
    /// without a known output Hessian) and analyses H, G and R. <paramref name="hessianDone"/>: an analysis of
    /// H with <see cref="OptionsFor"/> already done by the caller (reused, not repeated).
    /// </summary>
    public static CurvatureSplitResult Run(Objective objective, ParameterSet parameters, HessianAnalysisOptions options,
        IProcessGroup? group = null, Action<AnalysisProgress>? progress = null, HessianAnalysisResult? hessianDone = null)
    {
        var g = new GgnOperator(objective, parameters, group);
        var r = new ResidualOperator(objective, parameters, group);
        var h = hessianDone is null ? new HessianOperator(objective, parameters, group) : null;
        return Run(h, g, r, options, progress, hessianDone);
    }

    /// <summary>The split on three given operators (e.g. explicit matrices); <paramref name="h"/> may be null when <paramref name="hessianDone"/> is given.</summary>
    public static CurvatureSplitResult Run(ILinearOperator? h, ILinearOperator g, ILinearOperator r, HessianAnalysisOptions options,
        Action<AnalysisProgress>? progress = null, HessianAnalysisResult? hessianDone = null)
    {
        var o = OptionsFor(options);
        // Every operator gets the same seeds: the same probes and starts, so differences between them are not sampling noise.
        var hr = hessianDone ?? HessianAnalysis.Run(h ?? throw new ArgumentNullException(nameof(h)), o, Prefixed(progress, "H"));
        if (hr.Esd is null || hr.Trace is null) throw new ArgumentException("the Hessian analysis given to the split has no trace or density: run it with CurvatureSplit.OptionsFor");
        var gr = HessianAnalysis.Run(g, o, Prefixed(progress, "G"));
        var rr = HessianAnalysis.Run(r, o, Prefixed(progress, "R"));
        PrincipalAnglesResult? angles = hr.Eigen is { Pairs.Count: > 0 } he && gr.Eigen is { Pairs.Count: > 0 } ge ? PrincipalAngles.Between(he, ge) : null;
        return new CurvatureSplitResult(hr, gr, rr, angles,
            SpectralMass.FromSpectrum(hr.Esd.Runs), SpectralMass.FromSpectrum(gr.Esd!.Runs), SpectralMass.FromSpectrum(rr.Esd!.Runs));
    }

    private static Action<AnalysisProgress>? Prefixed(Action<AnalysisProgress>? progress, string name) =>
        progress is null ? null : p => progress(p with { Stage = $"{name}: {p.Stage}" });
}
