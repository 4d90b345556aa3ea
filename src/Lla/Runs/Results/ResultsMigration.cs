using System.Text.Json.Nodes;
using Lla.Curvature;

namespace Lla.Runs;

/// <summary>
/// Upgrades results files written by older versions to the current schema, computing what they
/// lack (the smoothed spectral density, criteria of stored SLQ runs) so that readers and pages
/// never compute. Schema 1 is every file without <c>schema_version</c>.
/// </summary>
public static class ResultsMigration
{
    public static int VersionOf(JsonObject node) => node["schema_version"] is JsonValue v && v.TryGetValue(out int version) ? version : 1;

    public static JsonObject UpgradeRun(JsonObject node)
    {
        if (Current(node) is not { } upgraded) return node;
        if (upgraded["hessian"]?["esd"] is JsonObject esd && esd["runs"] is JsonArray runs && runs.Count > 0)
        {
            var slq = runs.Select(r => new SlqRun(Doubles(r!["nodes"]), Doubles(r!["weights"]), r!["steps"]!.GetValue<int>())).ToList();
            long dimension = upgraded["hessian"]!["parameter_count"]?.GetValue<long>() ?? 0;
            esd["density"] = ResultsSerializer.ToNode(HessianRecords.Density(new SpectralDensityResult(slq, dimension, 0, 0)));
            if (upgraded["hessian"]!["criteria"] is null)
            {
                // With the settings the run recorded, else the defaults.
                double Setting(string key, double fallback) => upgraded["options"]?[key] is JsonValue v && v.TryGetValue(out double d) ? d : fallback;
                var criteria = Criteria.FromSpectrum(slq, Setting("kh-power", Criteria.DefaultKhPower), Setting("ct-threshold", Criteria.DefaultCtThreshold));
                upgraded["hessian"]!["criteria"] = ResultsSerializer.ToNode(HessianRecords.Criteria(criteria));
            }
        }
        return upgraded;
    }

    /// <summary>Study files and training records need no computed additions: schema 1 reads as is.</summary>
    public static JsonObject UpgradeOther(JsonObject node) => Current(node) ?? node;

    /// <summary>Null for a file of the current schema; a copy marked current for an older one; a newer one is refused.</summary>
    private static JsonObject? Current(JsonObject node)
    {
        int version = VersionOf(node);
        if (version > ResultsSerializer.SchemaVersion)
            throw new LlaException($"results of schema {version} were written by a newer Lla.NET than this one (schema {ResultsSerializer.SchemaVersion}): update Lla.NET");
        if (version == ResultsSerializer.SchemaVersion) return null;
        var upgraded = node.DeepClone().AsObject();
        upgraded["schema_version"] = ResultsSerializer.SchemaVersion;
        return upgraded;
    }

    private static double[] Doubles(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray() : Array.Empty<double>();
}
