using System.Text.Json.Serialization;
using Lla.Curvature;
using Lla.Guard;
using Lla.Runs;

namespace Lla.Landscapes;

/// <summary>The settings of `lla landscape` that decide its results (plan.json's and results.json's <c>options</c>; keys are the flags in snake case).</summary>
[JobName("landscape")]
public sealed record LandscapeSettings : DataSettings
{
    /// <summary>Every plane drawn: its axes, normalization and order, update rule and seed.</summary>
    public IReadOnlyList<PlaneSpec> Planes { get; init; } = Array.Empty<PlaneSpec>();
    public int Steps { get; init; }
    public double Distance { get; init; }
    [JsonPropertyName("ignore_biasbn")] public bool IgnoreBiasAndBatchNorm { get; init; }
    public int? Freeze { get; init; }
    public string? FreezeNames { get; init; }
    public double? LossCap { get; init; }
    /// <summary>"0,1" (eigenvector indices by magnitude) or "max,min".</summary>
    public string EigenPair { get; init; } = "0,1";
    public CurvatureOperator Operator { get; init; }
    public string? HessianRun { get; init; }
    public IReadOnlyList<string> Checkpoints { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Trajectory { get; init; } = Array.Empty<string>();
    [JsonPropertyName("directions")] public string? DirectionFile { get; init; }
    public string? OptimizerState { get; init; }
    [JsonPropertyName("onednn")] public OneDnnSetting OneDnn { get; init; }
}
