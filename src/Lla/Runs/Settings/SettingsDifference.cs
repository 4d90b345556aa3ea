using System.Text.Json.Nodes;

namespace Lla.Runs;

/// <summary>
/// The first setting, in the record's order, whose value differs between a run and an earlier one, named by its
/// flag (<c>{batch-size}</c>: the key <c>batch_size</c>), with both values as shown to the user. Not compared:
/// settings an older version did not record (<see cref="JobSettings.Unrecorded"/>), and paths written
/// differently that name the same file (m.bin and ./m.bin). Lists of records (a landscape's planes) are compared
/// entry by entry and named by the entry's differing setting.
/// </summary>
/// <param name="Setting">The flag of the setting (its key in kebab case).</param>
/// <param name="Within">Where it is when it is inside a list of records (e.g. "plane 2"), else null.</param>
public sealed record SettingsDifference(string Setting, string? Within, string Now, string Before)
{
    /// <summary>The setting as a message template names it: its flag in braces (a recipe's setting in words), and where it is.</summary>
    public string Named => (RecipeOnly.Value.Contains(Setting) ? $"the recipe's {Setting.Replace('-', ' ')}" : "{" + Setting + "}") + (Within is null ? "" : $" of {Within}");

    /// <summary>The settings no flag sets (<see cref="RecipeOnlyAttribute"/>), by their kebab-case keys.</summary>
    private static readonly Lazy<HashSet<string>> RecipeOnly = new(() => JobNames.Types.Keys
        .SelectMany(t => ResultsSerializer.Options.GetTypeInfo(t).Properties)
        .Where(p => p.AttributeProvider?.IsDefined(typeof(RecipeOnlyAttribute), true) == true)
        .Select(p => p.Name.Replace('_', '-')).ToHashSet());

    /// <summary>The first difference between <paramref name="now"/> and <paramref name="before"/>, or null when they ask for the same.</summary>
    public static SettingsDifference? Between(JobSettings now, JobSettings before)
    {
        var unrecorded = (now.Unrecorded ?? Array.Empty<string>()).Concat(before.Unrecorded ?? Array.Empty<string>()).Append("job").Append("unrecorded").ToHashSet();
        return First(ResultsSerializer.ToNode<JobSettings>(now), ResultsSerializer.ToNode<JobSettings>(before), null, unrecorded);
    }

    /// <summary>Inside a setting's own record (a plane) every key is compared: what an old version did not record is named at the top level.</summary>
    private static readonly IReadOnlySet<string> NestedSkipped = new HashSet<string>();

    private static SettingsDifference? First(JsonObject now, JsonObject before, string? within, IReadOnlySet<string> skipped)
    {
        foreach (var (key, value) in now)
        {
            if (skipped.Contains(key) || !before.ContainsKey(key)) continue;
            var old = before[key];
            if (JsonNode.DeepEquals(value, old)) continue;
            string flag = key.Replace('_', '-');
            if (value is JsonArray a && old is JsonArray b && a.Count == b.Count && a.All(e => e is JsonObject))
            {
                for (int i = 0; i < a.Count; i++)
                    if (a[i] is JsonObject x && b[i] is JsonObject y && First(x, y, $"{key.TrimEnd('s')} {i + 1}", NestedSkipped) is { } inner) return inner;
                continue;
            }
            if (value is JsonObject o && old is JsonObject p)
            {
                if (First(o, p, within, NestedSkipped) is { } inner) return inner;
                continue;
            }
            if (value is not null && old is not null && SamePaths(value, old)) continue;
            return new SettingsDifference(flag, within, Shown(value), Shown(old));
        }
        return null;
    }

    /// <summary>Whether two values differ only in how their paths are written (each comma- or colon-separated part resolved from here).</summary>
    private static bool SamePaths(JsonNode a, JsonNode b)
    {
        if (a is JsonArray x && b is JsonArray y)
            return x.Count == y.Count && x.Zip(y).All(p => p.First is not null && p.Second is not null && SamePaths(p.First, p.Second));
        if (a is not JsonValue v || b is not JsonValue w || !v.TryGetValue<string>(out var s) || !w.TryGetValue<string>(out var t)) return false;
        string[] pa = s.Split(',', ':'), pb = t.Split(',', ':');
        return pa.Length == pb.Length && pa.Zip(pb).All(p => p.First == p.Second || Resolved(p.First) is { } r && r == Resolved(p.Second));
    }

    private static string? Resolved(string part)
    {
        if (part.Length == 0 || !(File.Exists(part) || Directory.Exists(part))) return null;
        try { return Path.GetFullPath(part).TrimEnd('/'); }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException) { return null; }
    }

    private static string Shown(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) ? $"'{text}'" : value?.ToJsonString() ?? "not given";

    /// <summary>Every path-like text among <paramref name="settings"/>' values (for the inputs a forced run must not move).</summary>
    public static IEnumerable<string> Texts(JobSettings settings) => Strings(ResultsSerializer.ToNode<JobSettings>(settings));

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(kv => Strings(kv.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var text) => new[] { text },
        _ => Array.Empty<string>(),
    };
}
