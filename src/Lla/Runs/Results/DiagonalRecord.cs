using System.Text.Json.Serialization;
using Lla.Curvature;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>`--diagonal`: the operator's diagonal by Hutchinson (saved in diagonal.bin), summarised per layer.</summary>
    [JsonPropertyOrder(40), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DiagonalRecord? Diagonal { get; init; }
}

/// <summary>
/// The "diagonal" payload (`--diagonal`): where the estimate is saved, how it was made, and its
/// per-layer summary. The entries themselves and their standard errors are in <see cref="File"/>.
/// </summary>
public sealed record DiagonalRecord(string File, string Operator, int Probes, long Hvps, long Seed, double Sum, double SumStderr, IReadOnlyList<LayerDiagonalRecord> Layers)
{
    public static DiagonalRecord From(DiagonalResult d, IReadOnlyList<LayerDiagonal> layers, string operatorName) => new(
        DiagonalFile.FileName, operatorName, d.Probes, d.OperatorApplications, d.Seed,
        layers.Sum(l => l.Sum), Math.Sqrt(layers.Sum(l => l.SumStderr * l.SumStderr)),
        layers.Select(l => new LayerDiagonalRecord(l.Layer, l.Entries, l.Mean, l.Max, l.Sum, l.SumStderr)).ToArray());
}

/// <summary>One layer's entries of the diagonal: their count, mean, max, and sum ± √Σ se².</summary>
public sealed record LayerDiagonalRecord(string Name, long Entries, double Mean, double Max, double Sum, double SumStderr);
