using System.Text.Json.Nodes;
using Lla.Curvature;

namespace Lla.Runs;

/// <summary>
/// Upgrades results files written by older versions to the current schema, computing what they
/// lack (the smoothed spectral density, criteria of stored SLQ runs, the stored conclusions) so that
/// readers and pages never compute. Schema 1 is every file without <c>schema_version</c>. The upgrade
/// happens in memory: a run folder's own file stays as written.
/// </summary>
public static class ResultsMigration
{
    public static int VersionOf(JsonObject node) => node["schema_version"] is JsonValue v && v.TryGetValue(out int version) ? version : 1;

    public static JsonObject UpgradeRun(JsonObject node)
    {
        int version = VersionOf(node);
        if (Current(node) is not { } upgraded) return node;
        if (version < 2) AddDensityAndCriteria(upgraded);
        if (version < 3) AddConclusions(upgraded);
        TypeSettings(upgraded, null);
        return upgraded;
    }

    /// <summary>Other results files (a training's record, score.json, plan.json, study files) need no computed additions; their options are typed.</summary>
    public static JsonObject UpgradeOther(JsonObject node)
    {
        if (Current(node) is not { } upgraded) return node;
        TypeSettings(upgraded, null);
        return upgraded;
    }

    /// <summary>A run's progress record (an interrupted training's, a curve's) whose settings, under <c>asked</c>, are those of the job <paramref name="job"/>.</summary>
    public static Func<JsonObject, JsonObject> UpgradeProgress(string job) => node =>
    {
        if (Current(node) is not { } upgraded) return node;
        TypeSettings(upgraded, job);
        return upgraded;
    };

    /// <summary>
    /// Schema 4: the options (or the asked settings of a progress record) are the job's typed settings, named by <c>job</c>:
    /// the file's own and those of the records it holds (a study's training records), each by its own command.
    /// </summary>
    private static void TypeSettings(JsonNode? node, string? job)
    {
        switch (node)
        {
            case JsonObject o:
                string? command = o["command"] is JsonValue c && c.TryGetValue<string>(out var text) ? text : null;
                LegacySettings.Upgrade(o, "options", job ?? command);
                LegacySettings.Upgrade(o, "asked", job ?? command);
                foreach (var (key, child) in o.ToList())
                    if (key is not ("options" or "asked")) TypeSettings(child, null);
                break;
            case JsonArray a:
                foreach (var child in a) TypeSettings(child, null);
                break;
        }
    }

    /// <summary>Schema 2: the smoothed density of stored SLQ runs, and criteria where the run stored none.</summary>
    private static void AddDensityAndCriteria(JsonObject upgraded)
    {
        if (upgraded["hessian"]?["esd"] is not JsonObject esd || esd["runs"] is not JsonArray runs || runs.Count == 0) return;
        var slq = runs.Select(r => new SlqRun(Doubles(r!["nodes"]), Doubles(r!["weights"]), r!["steps"]!.GetValue<int>())).ToList();
        long dimension = upgraded["hessian"]!["parameter_count"]?.GetValue<long>() ?? 0;
        esd["density"] = ResultsSerializer.ToNode(HessianRecords.Density(new SpectralDensityResult(slq, dimension, 0, 0)));
        if (upgraded["hessian"]!["criteria"] is null)
        {
            // With the settings the run recorded, else the defaults.
            double Setting(string flag, double fallback) => upgraded["options"]?[flag] is JsonValue v && v.TryGetValue(out double d) ? d : fallback;
            var criteria = Criteria.FromSpectrum(slq, Setting(Flag(nameof(HessianAnalysisOptions.KhPower)), Criteria.DefaultKhPower),
                Setting(Flag(nameof(HessianAnalysisOptions.CtThreshold)), Criteria.DefaultCtThreshold));
            upgraded["hessian"]!["criteria"] = ResultsSerializer.ToNode(HessianRecords.Criteria(criteria));
        }
    }

    /// <summary>
    /// Schema 3: figures are listed in the reports' own figures.json, not in results.json; the conclusions pages
    /// and the console state are stored: every criteria's meaning, the curvature split's verdict, the connection verdict.
    /// </summary>
    private static void AddConclusions(JsonObject upgraded)
    {
        upgraded.Remove("figures");
        AddMeanings(upgraded);
        if (upgraded["curvature_split"] is JsonObject split && split["verdict"] is null)
        {
            SpectralMassResult Mass(string key)
            {
                var m = ResultsSerializer.FromNode<SpectralMassRecord>(split[key]!);
                return new SpectralMassResult(Array.Empty<RunSpectralMass>(), m.Negative, m.NegativeStd, m.Positive, m.PositiveStd,
                    m.NegativeShare ?? double.NaN, m.NegativeShareStd ?? double.NaN);
            }
            long dimension = split["hessian"]?["parameter_count"]?.GetValue<long>() ?? 0;
            split["verdict"] = ResultsSerializer.ToNode(SplitVerdicts.Of(Mass("hessian_mass"), Mass("ggn_mass"), Mass("residual_mass"), dimension));
        }
        if (upgraded["connect"] is JsonObject connect && connect["verdict"] is null && upgraded["paths"] is JsonArray paths
            && Connectedness.Of(paths.Select(p => ResultsSerializer.FromNode<ModePathRecord>(p!)).ToList()) is { } verdict)
            connect["verdict"] = ResultsSerializer.ToNode(verdict);
    }

    /// <summary>Every criteria object (the run's, the split's operators', each layer's) gets the meaning of its HESD type.</summary>
    private static void AddMeanings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["hesd_type"] is JsonValue type && o["meaning"] is null)
                {
                    static double Number(JsonNode? n) => n is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;
                    o["meaning"] = HesdTypes.Meaning(HesdTypes.Parse(type.GetValue<string>()), Number(o["ct"]), Number(o["ct_threshold"]));
                }
                foreach (var (_, child) in o.ToList()) AddMeanings(child);
                break;
            case JsonArray a:
                foreach (var child in a) AddMeanings(child);
                break;
        }
    }

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

    /// <summary>A schema-1 options bag names a setting by its flag: the member's name in kebab case.</summary>
    private static string Flag(string member) => SettingNames.Kebab(member);

    private static double[] Doubles(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray() : Array.Empty<double>();
}
