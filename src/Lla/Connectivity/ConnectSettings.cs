using System.Text.Json.Serialization;
using Lla.Guard;
using Lla.Runs;

namespace Lla.Connectivity;

/// <summary>The settings of `lla connect` that decide its results (results.json's <c>options</c>, compared on resume; keys are the flags in snake case).</summary>
[JobName("connect")]
public sealed record ConnectSettings : ModelSettings
{
    /// <summary>Model B's weights file.</summary>
    public string To { get; init; } = "";
    public PathMethod Method { get; init; }
    public PathAlignment Align { get; init; }
    public int Points { get; init; }
    public int Epochs { get; init; }
    [JsonPropertyName("lr")] public double LearningRate { get; init; }
    public int BatchSize { get; init; }
    /// <summary>The most samples per forward pass of the evaluations (`--micro-batch`); null: a GPT's default, whole batches otherwise.</summary>
    public int? MicroBatch { get; init; }
    [JsonPropertyName("bn")] public PathBatchNorm BatchNorm { get; init; }
    public int PlaneSteps { get; init; }
    [JsonPropertyName("onednn")] public OneDnnSetting OneDnn { get; init; }
}
