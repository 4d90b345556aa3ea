using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lla.Runs;

/// <summary>
/// What a run says of itself when it takes its folder: its command, the options it records, whether it
/// resumes and whether it may replace what is there. A folder belongs to one command: an output folder
/// that holds a run of another command (or of the same command with other recorded options, not
/// resumed) is refused with one line naming what is there; <see cref="Force"/> replaces it.
/// </summary>
public sealed record RunClaim(string Command, JsonObject? Options, bool Resume = false, bool Force = false)
{
    /// <summary>Options that change no result: they may differ between a run and the one it replaces or continues.</summary>
    public static readonly IReadOnlySet<string> FreeToChange = new HashSet<string> { "out", "resume", "force", "threads", "quiet", "json", "color-scale" };

    /// <summary>
    /// Checks <paramref name="folder"/> (whose lock the caller holds) against this claim: returns a note when
    /// it replaced an earlier run (under <see cref="Force"/>), null when the folder was free or holds this
    /// same run, and throws naming what is there otherwise.
    /// </summary>
    public string? Apply(string folder)
    {
        var existing = RunOwner.Find(folder);
        if (existing is null) return null;
        if (Force)
        {
            RunOwner.Clear(folder);
            return $"replaced the `lla {existing.Command}` run that was in {folder} ({{force}})";
        }
        if (existing.Command != Command)
            throw new LlaException($"{{out}} {folder} holds {existing.Describe()}: choose another {{out}}, or add {{force}} to replace it");
        if (Resume || Options is null || existing.Options is null) return null;
        if (FirstDifference(Options, existing.Options) is { } key)
        {
            string now = Options[key]?.ToJsonString() ?? "null", before = existing.Options[key]?.ToJsonString() ?? "null";
            throw new LlaException($"{{out}} {folder} holds {existing.Describe()} with other options ({{{key}}} was {before} there, {now} now): " +
                                   "choose another {out}, or add {force} to replace it");
        }
        return null;
    }

    /// <summary>The first option, in the order asked, whose value differs from the earlier run's (options one side lacks are from another version and not compared).</summary>
    public static string? FirstDifference(JsonObject asked, JsonObject before)
    {
        foreach (var (key, value) in asked)
        {
            if (FreeToChange.Contains(key) || !before.ContainsKey(key)) continue;
            if (!JsonNode.DeepEquals(value, before[key])) return key;
        }
        return null;
    }
}

/// <summary>The run a folder holds, as its files tell (results.json, plan.json, study.json, score.json, a curve training's progress).</summary>
public sealed record RunOwner(string Command, JsonObject? Options, bool Finished, string Evidence)
{
    public string Describe() => $"{(Finished ? "a finished" : "an unfinished")} `lla {Command}` run ({Evidence})";

    /// <summary>The run <paramref name="folder"/> holds, or null when it holds none.</summary>
    public static RunOwner? Find(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        string Path(string name) => System.IO.Path.Combine(folder, name);
        if (File.Exists(Path("study.json")) || File.Exists(Path("measurements.jsonl")))
            return new RunOwner("study", null, File.Exists(Path("study.json")), File.Exists(Path("study.json")) ? "study.json" : "measurements.jsonl");
        if (File.Exists(Path("score.json")))
            return new RunOwner(ReadCommand(Path("score.json")) ?? "study score", null, true, "score.json");
        if (File.Exists(Path(ResultsSerializer.ResultsFile)))
        {
            var node = ReadJson(Path(ResultsSerializer.ResultsFile));
            return new RunOwner(Text(node?["command"]) ?? "unknown", node?["options"] as JsonObject, true, ResultsSerializer.ResultsFile);
        }
        if (File.Exists(Path(LandscapePlan.FileName)))
            return new RunOwner("landscape", ReadJson(Path(LandscapePlan.FileName))?["options"] as JsonObject, false, LandscapePlan.FileName);
        if (File.Exists(Path("bend.resume.json")))
            return new RunOwner("connect", null, false, "bend.resume.json");
        return null;
    }

    /// <summary>Empties <paramref name="folder"/> for a forced run: everything but the lock its caller holds.</summary>
    public static void Clear(string folder)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            string name = System.IO.Path.GetFileName(entry);
            if (name.EndsWith(RunLock.FileName, StringComparison.Ordinal) || name.EndsWith(RunLock.HolderFileName, StringComparison.Ordinal)) continue;
            if (Directory.Exists(entry) && !new FileInfo(entry).Attributes.HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    private static string? ReadCommand(string path) => Text(ReadJson(path)?["command"]);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? ReadJson(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException) { return null; }
    }
}
