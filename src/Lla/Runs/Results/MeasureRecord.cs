using System.Text.Json.Serialization;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>Generalization measures (`lla measure`, and `lla analyze`'s cheap families).</summary>
    [JsonPropertyOrder(60), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<MeasureRecord>? Measures { get; init; }
}

/// <summary>
/// One entry of results.json's <c>measures</c>: a generalization measure with its value (null with a
/// reason when unavailable), spread, direction (+1: larger predicts a larger generalization gap), cost,
/// the data it used and what it needs; for weight spectra the per-layer fits.
/// </summary>
public sealed record MeasureRecord(
    string Name, string Family, double? Value, string? Reason, double? Spread, int Direction, double Seconds,
    long ForwardPasses, long BackwardPasses, MeasureDataRecord Data, bool NeedsLabels, bool NeedsInit, bool DataFree,
    IReadOnlyList<LayerFitRecord>? Layers, IReadOnlyList<SkippedLayerRecord>? SkippedLayers, string Meaning);

public sealed record MeasureDataRecord(string? Spec, string? Split, long Samples, string BnMode, string Labels);

/// <summary>A layer's power-law fit: α above x_min, the fit's Kolmogorov–Smirnov distance, the tail size n.</summary>
public sealed record LayerFitRecord(string Name, double Alpha, double XMin, [property: System.Text.Json.Serialization.JsonPropertyName("ks")] double KsDistance, int N, int Eigenvalues, double LambdaMax, double StableRank);

public sealed record SkippedLayerRecord(string Name, string Reason);
