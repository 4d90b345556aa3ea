using System.Text.Json.Serialization;
using Lla.Curvature;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>`--split-curvature`: H, G and R = H − G side by side.</summary>
    [JsonPropertyOrder(20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public CurvatureSplitRecord? CurvatureSplit { get; init; }
}

/// <summary>
/// The "curvature_split" payload (`--split-curvature`): the analysis of H, G (GGN) and R = H − G,
/// each as a <see cref="HessianRecord"/>; the principal angles between the top-k eigenvector
/// subspaces of H and G; each density's spectral mass; and the verdict on where H's negative curvature comes from.
/// </summary>
/// <param name="HessianOverResidualNegativeMass">H's negative mass / R's (in [0, 1] exactly, since λ_i(H) ≥ λ_i(R)); null when R has none.</param>
public sealed record CurvatureSplitRecord(
    HessianRecord Hessian, HessianRecord Ggn, HessianRecord Residual,
    PrincipalAnglesRecord? AnglesHessianGgn,
    SpectralMassRecord HessianMass, SpectralMassRecord GgnMass, SpectralMassRecord ResidualMass,
    double? HessianOverResidualNegativeMass)
{
    /// <summary>Where H's negative curvature comes from, in a word and a sentence (<see cref="SplitVerdicts"/>); null only in hand-made records.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public SplitVerdict? Verdict { get; init; }

    public static CurvatureSplitRecord From(CurvatureSplitResult s, long parameterCount)
    {
        var share = s.HessianOverResidualNegativeMass;
        return new CurvatureSplitRecord(
            HessianRecords.From(s.Hessian, parameterCount) with { Operator = CurvatureOperator.Hessian.Name() },
            HessianRecords.From(s.Ggn, parameterCount) with { Operator = CurvatureOperator.Ggn.Name() },
            HessianRecords.From(s.Residual, parameterCount) with { Operator = CurvatureOperator.Residual.Name() },
            s.AnglesHessianGgn is { } a ? new PrincipalAnglesRecord(a.Angles, a.Cosines) : null,
            SpectralMassRecord.From(s.HessianMass, parameterCount), SpectralMassRecord.From(s.GgnMass, parameterCount),
            SpectralMassRecord.From(s.ResidualMass, parameterCount),
            double.IsFinite(share) ? share : null)
        {
            Verdict = SplitVerdicts.Of(s.HessianMass, s.GgnMass, s.ResidualMass, parameterCount),
        };
    }
}

/// <summary>Principal angles (radians, ascending) and their cosines (descending) between two subspaces.</summary>
public sealed record PrincipalAnglesRecord(IReadOnlyList<double> AnglesRad, IReadOnlyList<double> Cosines);

/// <summary>
/// Spectral mass of an SLQ density, averaged over runs (± the runs' std): Negative = Σ_{λ&lt;0}|λ|·w and
/// Positive = Σ_{λ&gt;0} λ·w per dimension; NegativeSum = n·Negative estimates the sum of the absolute
/// negative eigenvalues; NegativeShare = Negative/(Negative + Positive).
/// </summary>
public sealed record SpectralMassRecord(double Negative, double NegativeStd, double Positive, double PositiveStd,
    double NegativeSum, double? NegativeShare, double? NegativeShareStd)
{
    public static SpectralMassRecord From(SpectralMassResult m, long dimension) => new(
        m.Negative, m.NegativeStd, m.Positive, m.PositiveStd, m.Negative * dimension,
        double.IsFinite(m.NegativeShare) ? m.NegativeShare : null, double.IsFinite(m.NegativeShareStd) ? m.NegativeShareStd : null);
}
