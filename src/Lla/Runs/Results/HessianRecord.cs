namespace Lla.Runs;

/// <summary>The "hessian" payload: eigenpairs, trace, spectral density (with its smoothed curve) and criteria.</summary>
public sealed record HessianRecord
{
    /// <summary>The operator analysed: hessian (default), ggn, empirical-fisher or residual.</summary>
    public string Operator { get; init; } = "hessian";
    public long ParameterCount { get; init; }
    public long HvpCount { get; init; }
    public IReadOnlyList<double>? TopEigenvalues { get; init; }
    public IReadOnlyList<double>? EigenResiduals { get; init; }
    public IReadOnlyList<bool>? EigenConverged { get; init; }
    public string? EigenMethod { get; init; }
    public int? EigenSteps { get; init; }
    public long? EigenHvps { get; init; }
    public double? Trace { get; init; }
    public double? TraceStderr { get; init; }
    public int? TraceProbes { get; init; }
    public string? TraceMethod { get; init; }
    public long? TraceHvps { get; init; }
    public EsdRecord? Esd { get; init; }
    public CriteriaRecord? Criteria { get; init; }
}

/// <summary>SLQ runs (nodes, weights, steps), the second trace estimate, and the smoothed density that pages draw.</summary>
public sealed record EsdRecord(IReadOnlyList<SlqRunRecord> Runs, double? TraceEstimate, long Hvps, DensityRecord? Density);

public sealed record SlqRunRecord(IReadOnlyList<double> Nodes, IReadOnlyList<double> Weights, int Steps);

/// <summary>The density smoothed by Gaussians of variance <see cref="Variance"/> on an even grid (what plots show).</summary>
public sealed record DensityRecord(IReadOnlyList<double> Lambda, IReadOnlyList<double> Density, double Variance);

public sealed record CriteriaRecord(
    double? Re, double? ReStd, double? Kh, double? KhStd, double? Ct, double? CtStd,
    double KhPower, double CtThreshold, string HesdType, IReadOnlyList<string> Notes, IReadOnlyList<CriteriaRunRecord> Runs)
{
    /// <summary>What the HESD type means for the criteria, in one paragraph.</summary>
    public string Meaning() => HesdType switch
    {
        "MP" => $"The spectrum is mainly positive (Ct = {Ct:G3} ≥ {CtThreshold}), so the criteria apply: smaller re and Kh mean a flatter, " +
                "more convex minimum. Compare them between datasets: the papers report that their changes track changes of accuracy.",
        "MN" => $"The spectrum is mainly negative (Ct = {Ct:G3} < {CtThreshold}): the criteria do not apply to this model. " +
                "This is typical of random initialization or of training with external gradient manipulation (aggressive clipping, Hessian-based optimizers).",
        _ => "The spectrum has no positive eigenvalue, so the HESD type and the criteria are undefined here.",
    };
}

public sealed record CriteriaRunRecord(double? LambdaMin, double? LambdaMax, double? Re, double? Kh, double? Ct, string? Note);
