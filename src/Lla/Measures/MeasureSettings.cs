using System.Text.Json;
using System.Text.Json.Serialization;
using Lla.Data;
using Lla.Guard;
using Lla.Objectives;
using TorchSharp;

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
/// The settings of a measure run that decide its results (results.json's <c>options</c> of `lla measure`),
/// typed; the families by name. Written by the one results serializer (<c>ResultsSerializer.ToNode</c>).
/// </summary>
public sealed record MeasureSettings
{
    public required string Model { get; init; }
    public string? Weights { get; init; }
    public required string Data { get; init; }
    public required LossKind Loss { get; init; }
    [JsonConverter(typeof(LowerCaseEnum<torch.ScalarType>))] public torch.ScalarType DType { get; init; }
    public required string Device { get; init; }
    public long Seed { get; init; }
    public Split Split { get; init; }
    public int BatchSize { get; init; }
    /// <summary>The number of analysed batches; null: all.</summary>
    public int? Batches { get; init; }
    public bool Shuffle { get; init; }
    public BatchNormMode Bn { get; init; }
    /// <summary>The asked families, in their order, written by name.</summary>
    public required IReadOnlyList<MeasureFamily> Families { get; init; }
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
    public OneDnnSetting OneDnn { get; init; }

    /// <summary>TorchSharp's dtype by its lower-case name (float32); the project's own enums are named by <see cref="SettingNames"/>.</summary>
    public sealed class LowerCaseEnum<T>() : JsonStringEnumConverter<T>(new LowerCase(), allowIntegerValues: false) where T : struct, Enum;

    private sealed class LowerCase : JsonNamingPolicy
    {
        public override string ConvertName(string name) => name.ToLowerInvariant();
    }
}
