using System.Text.Json.Nodes;

namespace Lla.Runs;

/// <summary>JSON helpers: JSON has no NaN or infinity, so non-finite numbers become null.</summary>
public static class JsonValues
{
    public static JsonNode? Number(double? value) =>
        value is double v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => Number(v)).ToArray());

    public static JsonObject Object(IEnumerable<KeyValuePair<string, double>> values) =>
        new(values.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, Number(kv.Value))));
}
