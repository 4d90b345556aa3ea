using System.Text.Json.Serialization;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>The landscapes drawn (`lla landscape`, `lla analyze`, the plane of `lla connect`); empty when none.</summary>
    [JsonPropertyOrder(50)] public IReadOnlyList<LandscapeRecord> Landscapes { get; init; } = Array.Empty<LandscapeRecord>();
}

/// <summary>One plane (or line) of a landscape run: its settings, grid, loss and accuracy (rows are β, columns α).</summary>
public sealed record LandscapeRecord
{
    public required string Axes { get; init; }
    public required string Norm { get; init; }
    public int Order { get; init; }
    public required string Mode { get; init; }
    public required string Label { get; init; }
    public long Seed { get; init; }
    public int Steps { get; init; }
    public double Distance { get; init; }
    public bool IgnoreBiasbn { get; init; }
    public IReadOnlyList<string> Frozen { get; init; } = Array.Empty<string>();
    public double? LossCap { get; init; }
    public IReadOnlyDictionary<string, double> AxesFacts { get; init; } = new Dictionary<string, double>();
    public required IReadOnlyList<double> Alphas { get; init; }
    public required IReadOnlyList<double> Betas { get; init; }
    public required IReadOnlyList<IReadOnlyList<double>> Loss { get; init; }
    public required IReadOnlyList<IReadOnlyList<double>> Accuracy { get; init; }
    public string? DirectionsFile { get; init; }
    public int PointsComputed { get; init; }
    public int PointsResumed { get; init; }
    public double Seconds { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PathRecord? Path { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public bool IsAdamEq => Mode == "adameq";
    [System.Text.Json.Serialization.JsonIgnore] public bool IsPlane => Betas.Count > 1;
}

/// <summary>PCA axes: the training trajectory's checkpoints and their least-squares coordinates in the plane.</summary>
public sealed record PathRecord(IReadOnlyList<string> Checkpoints, IReadOnlyList<double> Alphas, IReadOnlyList<double> Betas);
