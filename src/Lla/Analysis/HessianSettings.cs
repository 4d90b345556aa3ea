using System.Text.Json.Serialization;
using Lla.Curvature;
using Lla.Guard;
using Lla.Runs;

namespace Lla.Analysis;

/// <summary>The settings of `lla hessian` that decide its results (results.json's <c>options</c>; keys are the flags in snake case).</summary>
[JobName("hessian")]
public record HessianSettings : DataSettings
{
    public CurvatureOperator Operator { get; init; }
    public int TopK { get; init; }
    public EigenTarget Which { get; init; }
    public EigenMethod EigenMethod { get; init; }
    [JsonPropertyName("eigen_tol")] public double EigenTolerance { get; init; }
    public int EigenMaxSteps { get; init; }
    public bool Trace { get; init; }
    public TraceMethod TraceMethod { get; init; }
    [JsonPropertyName("trace_hvps")] public int TraceApplications { get; init; }
    public bool Esd { get; init; }
    public int Runs { get; init; }
    public int LanczosSteps { get; init; }
    /// <summary>The dtype the Lanczos bases are stored in (`--lanczos-basis-dtype`, or the memory plan's choice); null: the analysis dtype.</summary>
    [JsonPropertyName("lanczos_basis_dtype")] public TorchSharp.torch.ScalarType? LanczosBasisDType { get; init; }
    public double KhPower { get; init; }
    public double CtThreshold { get; init; }
    /// <summary>The analysed block's parameter-name globs; null: every trainable parameter.</summary>
    public string? Params { get; init; }
    public int LandscapeSteps { get; init; }
    public bool SplitCurvature { get; init; }
    public bool PerLayer { get; init; }
    /// <summary>Block heterogeneity: each block's SLQ density (the run's runs, steps and SLQ seed), normalized, and their JS distances.</summary>
    public bool BlockSpectra { get; init; }
    public bool Diagonal { get; init; }
    public int DiagonalHvps { get; init; }
    [JsonPropertyName("onednn")] public OneDnnSetting OneDnn { get; init; }
}

/// <summary>The settings of `lla analyze` (and of a training's epoch analyses): a Hessian run's, its profile, and the measures it adds.</summary>
[JobName("analyze")]
public sealed record AnalyzeSettings : HessianSettings
{
    public string? Profile { get; init; }
    /// <summary>The measure families computed on the same data, by name.</summary>
    public IReadOnlyList<Measures.MeasureFamily> Measures { get; init; } = Array.Empty<Measures.MeasureFamily>();
    public string? Init { get; init; }
    public string? Validation { get; init; }
}
