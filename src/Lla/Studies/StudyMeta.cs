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
    /// <summary>Per model, the samples of its "train" dataset: what it learnt from and was measured on (its own <c>train_samples</c>, else the
    /// study's "train" dataset above).</summary>
    public IReadOnlyDictionary<string, long> TrainSamples { get; init; } = new Dictionary<string, long>();
    public string? BatchNormModeForHessian { get; init; }
    /// <summary>Text data: the tokenizer and the tokens per window it was read with (the config's <c>tokenizer</c> and <c>context</c>); null for image data.</summary>
    public string? Tokenizer { get; init; }
    public int? Context { get; init; }
    /// <summary>What the study's accuracy is: class accuracy, or a language model's next-token accuracy.</summary>
    public string? AccuracyMeans { get; init; }
    /// <summary>Per GPT, the windows one forward pass or product held at once (<see cref="StudyMicroBatch"/>); image models compute whole batches.</summary>
    public IReadOnlyDictionary<string, int> MicroBatch { get; init; } = new Dictionary<string, int>();
    /// <summary>Measures asked but not available for some model, each with why (e.g. the margin of a language model's next-token outputs).</summary>
    public IReadOnlyDictionary<string, string> MeasuresNotAvailable { get; init; } = new Dictionary<string, string>();
    public int Threads { get; init; }
    /// <summary>Each model's numeric-guard decision, in one sentence.</summary>
    public IReadOnlyDictionary<string, string> NumericGuard { get; init; } = new Dictionary<string, string>();
    /// <summary>Each model's training record (NAME.bin.json), with the study's recipe for it.</summary>
    public IReadOnlyDictionary<string, TrainResults> Training { get; init; } = new Dictionary<string, TrainResults>();
    /// <summary>How many models with a stopping rule reached it (null: no model has one).</summary>
    public StudyConvergence? Convergence { get; init; }
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
