using System.Text.Json.Serialization;
using Lla.Guard;
using Lla.Runs;

namespace Lla.Measures;

/// <summary>Whose labels the label-taking measures use.</summary>
public enum MeasureLabels
{
    /// <summary>The data's own labels.</summary>
    True,
    /// <summary>The model's own argmax (eval mode): no labels needed.</summary>
    Predicted,
}

/// <summary>
/// The settings of a measure run that decide its results (results.json's <c>options</c> of `lla measure`; keys are the
/// flags in snake case), typed; the families by name.
/// </summary>
[JobName("measure")]
public sealed record MeasureSettings : DataSettings
{
    /// <summary>The asked families, in their order, written by name.</summary>
    [JsonPropertyName("only")] public IReadOnlyList<MeasureFamily> Families { get; init; } = Array.Empty<MeasureFamily>();
    public MeasureLabels Labels { get; init; }
    public string? Init { get; init; }
    public string? Validation { get; init; }
    public int Runs { get; init; }
    public int LanczosSteps { get; init; }
    public double KhPower { get; init; }
    public double CtThreshold { get; init; }
    public double SamRho { get; init; }
    public double RhoLinf { get; init; }
    public double RhoL2 { get; init; }
    public int SharpnessSamples { get; init; }
    public int SharpnessBatch { get; init; }
    [JsonPropertyName("onednn")] public OneDnnSetting OneDnn { get; init; }
}
