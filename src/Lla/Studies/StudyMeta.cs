using System.Text.Json.Serialization;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>study.json's <c>meta</c>: the run record of a study (its data, each model's training record and guard, versions, timings).</summary>
public sealed record StudyMeta
{
    public string Command { get; init; } = "study";
    public string? Data { get; init; }
    public string? TrainingSplit { get; init; }
    public string? Validation { get; init; }
    public IReadOnlyList<StudyDatasetRecord> Datasets { get; init; } = Array.Empty<StudyDatasetRecord>();
    public string? BatchNormModeForHessian { get; init; }
    public int Threads { get; init; }
    /// <summary>Each model's numeric-guard decision, in one sentence.</summary>
    public IReadOnlyDictionary<string, string> NumericGuard { get; init; } = new Dictionary<string, string>();
    /// <summary>Each model's training record (NAME.bin.json), with the study's recipe for it.</summary>
    public IReadOnlyDictionary<string, TrainResults> Training { get; init; } = new Dictionary<string, TrainResults>();
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    public double SecondsThisSession { get; init; }
    public double SecondsMeasuringTotal { get; init; }
    /// <summary>The preset's name, or null for a config file (<see cref="ConfigFile"/>).</summary>
    public string? Preset { get; init; }
    public string? ConfigFile { get; init; }
    [JsonPropertyName("tensorboard")] public string? TensorBoard { get; init; }
}

/// <summary>One dataset of a study: its name, what its reader says of it, and its sample count.</summary>
public sealed record StudyDatasetRecord(string Name, string? Description, long Samples);
