using System.Text.Json.Serialization;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>The Hessian analysis (`lla hessian`, `lla analyze`).</summary>
    [JsonPropertyOrder(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HessianRecord? Hessian { get; init; }
}

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
    /// <summary>Lanczos: the basis size m chosen from the memory budget (docs/eigenpairs.md); null for power iteration.</summary>
    public int? EigenBasis { get; init; }
    /// <summary>Lanczos: thick restarts of the basis (0: a plain Lanczos run); null for power iteration.</summary>
    public int? EigenRestarts { get; init; }
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

/// <summary>The criteria of a spectrum (docs/results.md); <see cref="Meaning"/>: what the HESD type means, worded by <see cref="Curvature.HesdTypes.Meaning"/>.</summary>
public sealed record CriteriaRecord(
    double? Re, double? ReStd, double? Kh, double? KhStd, double? Ct, double? CtStd,
    double KhPower, double CtThreshold, string HesdType, IReadOnlyList<string> Notes, IReadOnlyList<CriteriaRunRecord> Runs)
{
    /// <summary>What the HESD type means for the criteria, in one paragraph (stored: pages and the console print it as is).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Meaning { get; init; }
}

public sealed record CriteriaRunRecord(double? LambdaMin, double? LambdaMax, double? Re, double? Kh, double? Ct, string? Note);
