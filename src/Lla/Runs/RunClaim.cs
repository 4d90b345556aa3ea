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

    /// <summary>The file a finished run of this command writes last: its presence after the run says the run finished.</summary>
    public string ResultsFile => Command switch { "study" => "study.json", "study score" => "score.json", _ => ResultsSerializer.ResultsFile };

    /// <summary>
    /// Checks <paramref name="folder"/> (whose lock the caller holds) against this claim: null when the
    /// folder was free or holds this same run; under <see cref="Force"/>, the earlier run set aside until
    /// this one finishes (<see cref="RunReplacement"/>); otherwise throws naming what is there.
    /// </summary>
    public RunReplacement? Apply(string folder)
    {
        RunReplacement.SettleStale(folder);
        var existing = RunOwner.Find(folder);
        if (existing is null) return null;
        if (Force) return RunReplacement.SetAside(folder, existing, this);
        if (existing.Command != Command)
            throw new LlaException($"{{out}} {folder} holds {existing.Describe()}: choose another {{out}}, or add {{force}} to replace it");
        if (Resume || Options is null || existing.Options is null) return null;
        if (FirstDifference(Options, existing.Options) is { } key)
        {
            string now = Shown(Options[key]), before = Shown(existing.Options[key]);
            throw new LlaException($"{{out}} {folder} holds {existing.Describe()} with other options ({{{key}}} was {before} there, {now} now): " +
                                   "choose another {out}, or add {force} to replace it");
        }
        return null;
    }

    /// <summary>
    /// The first option, in the order asked, whose value differs from the earlier run's. Not compared: options
    /// that change no result, options one side lacks (another version) or left to their default on one side,
    /// and paths written differently that name the same file (m.bin and ./m.bin).
    /// </summary>
    public static string? FirstDifference(JsonObject asked, JsonObject before)
    {
        foreach (var (key, value) in asked)
        {
            if (FreeToChange.Contains(key) || !before.ContainsKey(key)) continue;
            var old = before[key];
            if (value is null || old is null) continue;
            if (JsonNode.DeepEquals(value, old)) continue;
            if (value is JsonValue v && old is JsonValue o && v.TryGetValue<string>(out var a) && o.TryGetValue<string>(out var b) && SamePaths(a, b)) continue;
            return key;
        }
        return null;
    }

    /// <summary>Whether two option values differ only in how their paths are written (each comma- or colon-separated part resolved from here).</summary>
    private static bool SamePaths(string a, string b)
    {
        string[] pa = a.Split(',', ':'), pb = b.Split(',', ':');
        return pa.Length == pb.Length && pa.Zip(pb).All(p => p.First == p.Second || Resolved(p.First) == Resolved(p.Second));
    }

    private static string? Resolved(string part)
    {
        if (part.Length == 0 || !(File.Exists(part) || Directory.Exists(part))) return null;
        try { return Path.GetFullPath(part).TrimEnd('/'); }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException) { return null; }
    }

    private static string Shown(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) ? $"'{text}'" : value?.ToJsonString() ?? "not given";

    /// <summary>The top-level entries of <paramref name="folder"/> that this run's options name (its own inputs, e.g. --weights DIR/m.bin): never set aside.</summary>
    public IReadOnlySet<string> InputsIn(string folder)
    {
        var names = new HashSet<string>();
        if (Options is null) return names;
        string root = Path.GetFullPath(folder).TrimEnd('/') + "/";
        foreach (var (_, value) in Options)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text)) continue;
            foreach (var part in text.Split(',', ':'))
            {
                string full;
                try { full = Path.GetFullPath(part); }
                catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException) { continue; }
                if (part.Length > 0 && full.StartsWith(root, StringComparison.Ordinal)) names.Add(full[root.Length..].Split('/')[0]);
            }
        }
        return names;
    }
}

/// <summary>
/// A forced run's predecessor, set aside (moved into a hidden folder inside the run folder) rather than
/// deleted: when the new run finishes (its results file is there) the old run is deleted; when it fails,
/// the old run is put back as it was. A process killed in between leaves the hidden folder, which the
/// next run of the folder settles (deleted if the folder holds a run again, else put back). The new run's
/// own inputs inside the folder (e.g. --weights DIR/m.bin) are never moved.
/// </summary>
public sealed class RunReplacement
{
    public const string Prefix = ".lla-replaced-";
    private readonly string _folder, _aside, _resultsFile;
    public RunOwner Replaced { get; }

    private RunReplacement(string folder, string aside, string resultsFile, RunOwner replaced) =>
        (_folder, _aside, _resultsFile, Replaced) = (folder, aside, resultsFile, replaced);

    public static RunReplacement SetAside(string folder, RunOwner existing, RunClaim claim)
    {
        string aside = Path.Combine(folder, Prefix + Environment.ProcessId);
        Directory.CreateDirectory(aside);
        var keep = claim.InputsIn(folder);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).ToList())
        {
            string name = Path.GetFileName(entry);
            if (IsLock(name) || name.StartsWith(Prefix, StringComparison.Ordinal) || keep.Contains(name)) continue;
            Move(entry, Path.Combine(aside, name));
        }
        return new RunReplacement(folder, aside, claim.ResultsFile, existing);
    }

    /// <summary>After the run: the replaced run is deleted if the new one finished, else restored.</summary>
    public void Settle()
    {
        if (!Directory.Exists(_aside)) return;
        if (File.Exists(Path.Combine(_folder, _resultsFile))) Directory.Delete(_aside, recursive: true);
        else Restore(_folder, _aside);
    }

    /// <summary>A hidden folder left by a killed forced run: deleted if the folder holds a run again, else put back.</summary>
    public static void SettleStale(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var aside in Directory.EnumerateDirectories(folder, Prefix + "*").ToList())
        {
            if (RunOwner.Find(folder) is not null) Directory.Delete(aside, recursive: true);
            else Restore(folder, aside);
        }
    }

    private static void Restore(string folder, string aside)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(aside).ToList())
        {
            string target = Path.Combine(folder, Path.GetFileName(entry));
            if (Directory.Exists(target) && !IsLink(target)) Directory.Delete(target, recursive: true);
            else if (File.Exists(target) || IsLink(target)) File.Delete(target);
            Move(entry, target);
        }
        Directory.Delete(aside, recursive: true);
    }

    private static bool IsLock(string name) => name.EndsWith(RunLock.FileName, StringComparison.Ordinal) || name.EndsWith(RunLock.HolderFileName, StringComparison.Ordinal);

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from) && !IsLink(from)) Directory.Move(from, to);
        else File.Move(from, to);
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
        {
            var node = ReadJson(Path("score.json"));
            return new RunOwner(Text(node?["command"]) ?? "study score", node?["options"] as JsonObject, true, "score.json");
        }
        if (File.Exists(Path(ResultsSerializer.ResultsFile)))
        {
            var node = ReadJson(Path(ResultsSerializer.ResultsFile));
            return new RunOwner(Text(node?["command"]) ?? "unknown", node?["options"] as JsonObject, true, ResultsSerializer.ResultsFile);
        }
        if (File.Exists(Path(RunFolder.PlanFile)))
            return new RunOwner("landscape", ReadJson(Path(RunFolder.PlanFile))?["options"] as JsonObject, false, RunFolder.PlanFile);
        if (File.Exists(Path("bend.resume.json")))
            return new RunOwner("connect", null, false, "bend.resume.json");
        return null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? ReadJson(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException) { return null; }
    }
}
