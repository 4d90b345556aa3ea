using System.Text.Json.Serialization;
using Lla.Curvature;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>`--per-layer`: the analysis per parameter group, with the trace check.</summary>
    [JsonPropertyOrder(30), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PerLayerRecord? PerLayer { get; init; }
}

/// <summary>
/// The "per_layer" payload (`--per-layer`): one analysis per parameter group, and the sum of the
/// layers' trace estimates beside the run's independent full-trace estimate, each with its standard error.
/// </summary>
public sealed record PerLayerRecord(IReadOnlyList<LayerRecord> Layers, double TraceSum, double TraceSumStderr, double? FullTrace, double? FullTraceStderr, string? FullTraceMethod)
{
    public static PerLayerRecord From(PerLayerResult r, string operatorName) => new(
        r.Layers.Select(l => new LayerRecord(l.Group.Name, l.Group.ParameterNames, l.Dimension,
            HessianRecords.From(l.Analysis, l.Dimension) with { Operator = operatorName })).ToArray(),
        r.TraceSum, r.TraceSumStandardError, r.FullTrace?.Trace, r.FullTrace?.StandardError, r.FullTrace?.Method);
}

/// <summary>One layer: its name (the parameters' common prefix), its parameters, the block's size and its analysis.</summary>
public sealed record LayerRecord(string Name, IReadOnlyList<string> Parameters, long Dimension, HessianRecord Analysis);
