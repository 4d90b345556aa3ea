using System.Text.Json.Serialization;
using Lla.Objectives;
using TorchSharp;

namespace Lla.Runs;

/// <summary>The settings of every job that loads a model and its data (<see cref="ModelSource"/>): they come first in its record.</summary>
public abstract record ModelSettings : JobSettings
{
    [JsonPropertyOrder(-20)] public string Model { get; init; } = "";
    [JsonPropertyOrder(-20)] public string? Weights { get; init; }
    [JsonPropertyOrder(-20)] public string Data { get; init; } = "";
    [JsonPropertyOrder(-20)] public LossKind Loss { get; init; }
    [JsonPropertyOrder(-20), JsonPropertyName("dtype")] public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    [JsonPropertyOrder(-20)] public string Device { get; init; } = "cpu";
    [JsonPropertyOrder(-20)] public long Seed { get; init; }
    /// <summary>The model's output count when given (null: what the data implies).</summary>
    [JsonPropertyOrder(-20)] public int? NumClasses { get; init; }
    /// <summary>The graph inputs besides the data bound to constants (NAME=FILE.npy or NAME=NUMBER); empty for most models.</summary>
    [JsonPropertyOrder(-20), JsonPropertyName("onnx_input")] public IReadOnlyList<string> OnnxInput { get; init; } = Array.Empty<string>();

    /// <summary>folder: data only (null otherwise): the images' size, mean, standard deviation and whether unreadable files are skipped.</summary>
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ImageSize { get; init; }
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ImageMean { get; init; }
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ImageStd { get; init; }
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? SkipUnreadable { get; init; }

    /// <summary>text: and tokens: data only (null otherwise): the tokenizer and the tokens per window.</summary>
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Data.Text.TokenizerKind? Tokenizer { get; init; }
    [JsonPropertyOrder(-20), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Context { get; init; }

    /// <summary>These settings with the model, weights, data, loss, dtype, device and seed of <paramref name="source"/>.</summary>
    protected ModelSettings WithModel(ModelSource source) => this with
    {
        Model = source.Model, Weights = source.Weights, Data = source.Data, Loss = source.Loss, DType = source.DType,
        Device = source.Device.ToString(), Seed = source.Seed, NumClasses = source.NumClasses, OnnxInput = source.GraphInputs,
        ImageSize = source.Images?.Size, ImageMean = source.Images?.Mean, ImageStd = source.Images?.Std, SkipUnreadable = source.Images?.SkipUnreadable,
        Tokenizer = source.Text?.Tokenizer, Context = source.Text?.Context,
    };

    /// <summary><paramref name="settings"/> with the model settings of <paramref name="source"/>.</summary>
    public static T Of<T>(T settings, ModelSource source) where T : ModelSettings => (T)settings.WithModel(source);
}
