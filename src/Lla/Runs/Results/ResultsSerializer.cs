using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Lla.Runs;

/// <summary>
/// The one reader and writer of results files (results.json, a training's FILE.json, study.json):
/// snake_case keys, indented, non-finite numbers as null (JSON has no NaN) and read back as NaN, TorchSharp's dtypes by
/// their lower-case names (float32).
/// Files of an older schema are upgraded by <see cref="ResultsMigration"/> before they are read.
/// </summary>
public static class ResultsSerializer
{
    /// <summary>
    /// 4: <c>options</c> is the job's typed settings (<see cref="JobSettings"/>: <c>job</c>, then every setting by its flag in snake case).
    /// 3: results.json holds no figure list (the reports' figures.json does) and stores the conclusions pages state
    /// (criteria.meaning, curvature_split.verdict, connect.verdict). 2: schema_version added, hessian.esd.density
    /// stored. 1 (no schema_version): the files of Lla.NET 0.1 before it.
    /// </summary>
    public const int SchemaVersion = 4;
    public const string ResultsFile = "results.json";

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Converters = { new FiniteDoubleConverter(), new SettingNames.Converter(), new LowerCaseEnum<TorchSharp.torch.ScalarType>() },
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = false,
        AllowOutOfOrderMetadataProperties = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { NameJobs } },
    };

    /// <summary>A job's settings (<see cref="JobSettings"/>) are written with their job's name in <c>job</c> and read back as that job's record.</summary>
    private static void NameJobs(JsonTypeInfo info)
    {
        if (info.Type != typeof(JobSettings)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "job", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization };
        foreach (var (type, name) in JobNames.Types.OrderBy(kv => kv.Value, StringComparer.Ordinal)) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type, name));
    }

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>One line of a JSON-lines file: as <see cref="ToJson"/>, not indented.</summary>
    public static string ToJsonLine<T>(T value) => JsonSerializer.Serialize(value, LineOptions);

    private static readonly JsonSerializerOptions LineOptions = new(Options) { WriteIndented = false };

    public static JsonObject ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!.AsObject();

    public static T FromNode<T>(JsonNode node) => node.Deserialize<T>(Options) ?? throw new JsonException("empty document");

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically.</summary>
    public static void Write<T>(string path, T value)
    {
        string text = ToJson(value);
        RunFolder.WriteAtomically(path, tmp => File.WriteAllText(tmp, text));
    }

    /// <summary>A run folder's results.json, upgraded to the current schema.</summary>
    public static RunResults ReadRun(string folder)
    {
        if (!Directory.Exists(folder)) throw new LlaException($"run folder not found: {folder}");
        string path = Path.Combine(folder, ResultsFile);
        if (!File.Exists(path)) throw new LlaException($"{folder} holds no {ResultsFile}: give the folder of a finished run");
        // A named pipe or device there would block the read: named instead.
        Data.InputPaths.RequireFile(path, "results file");
        return Read<RunResults>(path, ResultsMigration.UpgradeRun);
    }

    /// <summary>A file of the current schema (a run's own side files: axes facts, a guard record).</summary>
    public static T Read<T>(string path) => Read<T>(path, node => node);

    /// <summary>A results file of type <typeparamref name="T"/>, upgraded by <paramref name="upgrade"/> first.</summary>
    public static T Read<T>(string path, Func<JsonObject, JsonObject> upgrade)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
            return FromNode<T>(upgrade(node));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or NotSupportedException)
        {
            throw new LlaException($"{path} is not a results file ({e.Message})");
        }
    }

    /// <summary>Doubles: NaN and ±∞ are written as null; null reads back as NaN.</summary>
    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
