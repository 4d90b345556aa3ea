using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lla.Runs;

/// <summary>
/// Schema 4 typed the options: an older file's options (every flag of the command line by its kebab-case name, with
/// the values as the command line took them; schema 3's `measure` settings in snake case) become the job's
/// <see cref="JobSettings"/> record. Each setting of the record takes the old value of the same flag when that value
/// reads as the setting's type ("all" batches is null; "a,b" is a list); settings an old file lacks, or holds in
/// another form (a landscape's planes were labels), are listed in <see cref="JobSettings.Unrecorded"/> and so never compared.
/// </summary>
internal static class LegacySettings
{
    /// <summary>Schema 3's measure settings named three settings otherwise.</summary>
    private static readonly Dictionary<string, string> Renamed = new() { ["dtype"] = "d_type", ["onednn"] = "one_dnn", ["only"] = "families" };

    /// <summary>Converts <paramref name="node"/>[<paramref name="key"/>] in place when it is an untyped bag (no <c>job</c>) of the job <paramref name="job"/>.</summary>
    public static void Upgrade(JsonObject node, string key, string? job)
    {
        if (node[key] is not JsonObject bag || bag.ContainsKey("job")) return;
        node[key] = job is not null && JobNames.Find(job) is { } type ? Convert(bag, job, type) : null;
    }

    private static JsonObject Convert(JsonObject bag, string job, Type type)
    {
        var typed = new JsonObject { ["job"] = job };
        var unrecorded = new JsonArray();
        foreach (var property in ResultsSerializer.Options.GetTypeInfo(type).Properties.Where(p => p.Get is not null))
        {
            string key = property.Name;
            if (key == "unrecorded") continue;
            string? name = new[] { key.Replace('_', '-'), key, Renamed.GetValueOrDefault(key) }.FirstOrDefault(n => n is not null && bag.ContainsKey(n));
            var (read, value) = name is null ? (false, null)
                : EmbeddedDefault.Contains(key) ? ModelChoice(key, bag[name])
                : bag[name] is { } old ? Reads(old, property.PropertyType, property.IsSetNullable) : (property.IsSetNullable, null);
            if (read) typed[key] = value;
            else unrecorded.Add(key);
        }
        if (unrecorded.Count > 0) typed["unrecorded"] = unrecorded;
        return typed;
    }

    /// <summary>The model's settings that the command line left out for the embedded default: null in an old file is not "none".</summary>
    private static readonly HashSet<string> EmbeddedDefault = new() { "model", "weights", "data" };

    /// <summary>
    /// An old file wrote the model, weights and data as given: null was the embedded default (which a typed record names
    /// by its file), so it is not recorded; weights "none" (a seeded random initialization) is null in a typed record.
    /// </summary>
    private static (bool Read, JsonNode? Value) ModelChoice(string key, JsonNode? old) =>
        old is not JsonValue v || !v.TryGetValue<string>(out var text) ? (false, null)
        : key == "weights" && text == "none" ? (true, null)
        : (true, JsonValue.Create(text));

    /// <summary>The old value as the setting's type reads it (Read false when it cannot).</summary>
    private static (bool Read, JsonNode? Value) Reads(JsonNode old, Type type, bool nullable)
    {
        foreach (var candidate in Candidates(old, type))
        {
            if (candidate is null)
            {
                if (nullable) return (true, null);
                continue;
            }
            try
            {
                candidate.Deserialize(type, ResultsSerializer.Options);
                return (true, candidate.DeepClone());
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException) { }
        }
        return (false, null);
    }

    /// <summary>The value as written, then as the command line's text would read: a number, a boolean, "all" as none, a comma-separated list.</summary>
    private static IEnumerable<JsonNode?> Candidates(JsonNode old, Type type)
    {
        // An enum by the name the command line gave it (--which largest: the largest magnitude).
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (enumType.IsEnum && old is JsonValue e && e.TryGetValue<string>(out var given) && SettingNames.StoredOf(enumType, given) is { } stored)
            yield return JsonValue.Create(stored);
        yield return old;
        if (old is not JsonValue v || !v.TryGetValue<string>(out var text)) yield break;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double number))
            yield return long.TryParse(text, out long whole) ? JsonValue.Create(whole) : JsonValue.Create(number);
        if (bool.TryParse(text, out bool flag)) yield return JsonValue.Create(flag);
        if (text == "all") yield return null;
        yield return new JsonArray(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
    }
}
