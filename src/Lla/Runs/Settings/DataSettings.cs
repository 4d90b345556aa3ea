using System.Text.Json.Serialization;
using Lla.Data;
using Lla.Objectives;

namespace Lla.Runs;

/// <summary>The settings of every job that evaluates the loss on a selection of its data (<see cref="DataSelection"/>).</summary>
public abstract record DataSettings : ModelSettings
{
    [JsonPropertyOrder(-10)] public Split Split { get; init; }
    [JsonPropertyOrder(-10)] public int BatchSize { get; init; }
    /// <summary>The number of analysed batches; null: all.</summary>
    [JsonPropertyOrder(-10)] public int? Batches { get; init; }
    [JsonPropertyOrder(-10)] public bool Shuffle { get; init; }
    [JsonPropertyOrder(-10)] public BatchNormMode Bn { get; init; }
    /// <summary>The most samples per forward pass (`--micro-batch`); null: the default (a GPT's from its size, whole batches otherwise; a Hessian run records the one its memory plan chose).</summary>
    public int? MicroBatch { get; init; }

    /// <summary>These settings with the model of <paramref name="source"/> and the data selection <paramref name="selection"/>.</summary>
    protected DataSettings WithData(ModelSource source, DataSelection selection) => (DataSettings)WithModel(source) with
    {
        Split = selection.Split, BatchSize = selection.BatchSize, Batches = selection.MaxBatches, Shuffle = selection.Shuffle, Bn = selection.BatchNorm, MicroBatch = selection.MicroBatch,
    };

    /// <summary><paramref name="settings"/> with the model settings of <paramref name="source"/> and the data selection <paramref name="selection"/>.</summary>
    public static T Of<T>(T settings, ModelSource source, DataSelection selection) where T : DataSettings => (T)settings.WithData(source, selection);
}
