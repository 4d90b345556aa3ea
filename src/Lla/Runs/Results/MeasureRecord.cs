using System.Text.Json.Serialization;
using Lla.Measures;

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

public static class MeasureRecords
{
    public static MeasureRecord From(MeasureValue m, DataRecord data, string bnMode, bool predictedLabels)
    {
        // Forward-only families ran in eval mode; data-free ones read no data.
        bool analysisMode = m.Family is MeasureFamily.Curvature or MeasureFamily.Sharpness;
        var used = m.DataFree
            ? new MeasureDataRecord(null, null, 0, "none", "none")
            : new MeasureDataRecord(data.Spec, data.Split, data.Samples, analysisMode ? bnMode : "eval",
                !m.NeedsLabels ? "none" : predictedLabels ? "predicted" : "true");
        return new MeasureRecord(m.Name, m.Family.ToString().ToLowerInvariant(), m.Value, m.Reason, m.Spread, m.Direction, m.Seconds,
            m.ForwardPasses, m.BackwardPasses, used, m.NeedsLabels, m.NeedsInit, m.DataFree,
            m.Layers?.Select(l => new LayerFitRecord(l.Layer, l.Alpha, l.XMin, l.KsDistance, l.TailCount, l.EigenvalueCount, l.LambdaMax, l.StableRank)).ToArray(),
            m.SkippedLayers?.Select(l => new SkippedLayerRecord(l.Layer, l.Reason)).ToArray(), MeasureMeanings.Of(m.Name));
    }
}
