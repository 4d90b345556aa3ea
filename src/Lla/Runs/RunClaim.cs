namespace Lla.Runs;

/// <summary>
/// What a run says of itself when it takes its folder: its command, the options it records, whether it
/// resumes and whether it may replace what is there. A folder belongs to one command: an output folder
/// that holds a run of another command (or of the same command with other recorded options, not
/// resumed) is refused with one line naming what is there; <see cref="Force"/> replaces it.
/// </summary>
public sealed record RunClaim(string Command, JobSettings? Options, bool Resume = false, bool Force = false)
{
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
        if (SettingsDifference.Between(Options, existing.Options) is { } difference)
            throw new LlaException($"{{out}} {folder} holds {existing.Describe()} with other options ({difference.Named} was {difference.Before} there, {difference.Now} now): " +
                                   "choose another {out}, or add {force} to replace it");
        return null;
    }

    /// <summary>The top-level entries of <paramref name="folder"/> that this run's options name (its own inputs, e.g. --weights DIR/m.bin): never set aside.</summary>
    public IReadOnlySet<string> InputsIn(string folder)
    {
        var names = new HashSet<string>();
        if (Options is null) return names;
        string root = Path.GetFullPath(folder).TrimEnd('/') + "/";
        foreach (var text in SettingsDifference.Texts(Options))
        {
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
public sealed record RunOwner(string Command, JobSettings? Options, bool Finished, string Evidence)
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
            var written = Read(Path("score.json"));
            return new RunOwner(written?.Command ?? "study score", written?.Options, true, "score.json");
        }
        if (File.Exists(Path(ResultsSerializer.ResultsFile)))
        {
            var written = Read(Path(ResultsSerializer.ResultsFile));
            return new RunOwner(written?.Command ?? "unknown", written?.Options, true, ResultsSerializer.ResultsFile);
        }
        if (File.Exists(Path(RunFolder.PlanFile)))
            return new RunOwner("landscape", Read(Path(RunFolder.PlanFile))?.Options, false, RunFolder.PlanFile);
        if (File.Exists(Path("bend.resume.json")))
            return new RunOwner("connect", null, false, "bend.resume.json");
        return null;
    }

    /// <summary>What every run file says of its run: its command and its settings (older files upgraded).</summary>
    private sealed record Written(string? Command, JobSettings? Options);

    /// <summary>The file's command and settings; null when it cannot be read (a damaged file still marks the folder as a run's).</summary>
    private static Written? Read(string path)
    {
        try { return ResultsSerializer.Read<Written>(path, ResultsMigration.UpgradeOther); }
        catch (LlaException) { return null; }
    }
}
