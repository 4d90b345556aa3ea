namespace Lla.Runs;

/// <summary>
/// One run per folder: an exclusive lock held for the whole run. The lock is the operating system's
/// (an exclusive advisory lock on <c>.lla.lock</c>, taken with <see cref="FileShare.None"/>), so it ends
/// with its process however the process ends; beside it, <c>.lla.lock.holder</c> names the holder
/// for the message a second run gets. A lock left by a process that no longer runs is taken over,
/// and said so. Releasing removes both files, and the folder too when the run created it and left
/// nothing in it (a run that failed writes nothing).
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lla.lock";
    public const string HolderFileName = ".lla.lock.holder";

    private readonly FileStream _stream;
    private readonly string _folder, _path, _holderPath;
    private readonly bool _created;
    private bool _released;
    private RunReplacement? _replacement;
    private readonly string? _createdFrom;

    /// <summary>A note for the user when a stale lock was taken over; null otherwise.</summary>
    public string? TookOver { get; }

    private RunLock(FileStream stream, string folder, string path, string holderPath, bool created, string? tookOver, string? createdFrom)
    {
        (_stream, _folder, _path, _holderPath, _created, TookOver, _createdFrom) = (stream, folder, path, holderPath, created, tookOver, createdFrom);
    }

    /// <summary>
    /// Takes the lock of <paramref name="folder"/> (created if missing), or refuses naming the holder.
    /// With <paramref name="name"/>, the lock is of that one file in the folder (a training's FILE), not of the folder.
    /// </summary>
    public static RunLock Acquire(string folder, string? name = null) => Acquire(folder, name, null);

    /// <summary>
    /// The lock a job takes: on rank 0 only (null on other ranks, which write nothing), telling
    /// <paramref name="say"/> when a dead process's lock was taken over. With <paramref name="claim"/>,
    /// the folder must hold no run of another command (nor, unless resumed, of the same command with
    /// other options), or the claim must force its replacement (<see cref="RunClaim.Apply"/>).
    /// </summary>
    public static RunLock? ForJob(string folder, Parallel.IProcessGroup group, Action<string>? say, string? name = null, RunClaim? claim = null)
    {
        if (!group.IsRoot) return null;
        var runLock = Acquire(folder, name, say);
        if (claim is null) return runLock;
        try
        {
            if (claim.Apply(runLock._folder) is { } replacement)
            {
                runLock._replacement = replacement;
                say?.Invoke($"replacing {replacement.Replaced.Describe()} in {runLock._folder} (--force); it is deleted when this run finishes, and put back if it fails");
            }
            return runLock;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    private static RunLock Acquire(string folder, string? name, Action<string>? say)
    {
        folder = Path.GetFullPath(folder);
        if (File.Exists(folder)) throw new LlaException($"{{out}} {folder} is a file, not a folder");
        bool created = !Directory.Exists(folder);
        string? existingAncestor = Path.GetDirectoryName(folder);
        while (existingAncestor is not null && !Directory.Exists(existingAncestor)) existingAncestor = Path.GetDirectoryName(existingAncestor);
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LlaException($"cannot create the output folder {folder} ({e.Message})");
        }
        string prefix = name is null ? "" : "." + name;
        string path = Path.Combine(folder, prefix + FileName), holderPath = Path.Combine(folder, prefix + HolderFileName);
        string what = name is null ? folder : Path.Combine(folder, name);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (!IsHeldByAnother(e))
        {
            throw new LlaException($"cannot write to the output folder {folder} ({e.Message.ReplaceLineEndings(" ").Trim()})");
        }
        catch (IOException)
        {
            string holder = File.Exists(holderPath) ? File.ReadAllText(holderPath).Trim() : "another process";
            throw new LlaException($"{what} is in use by another lla run ({holder}): wait for it to finish, or choose another {(name is null ? "{out}" : "{save}")}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LlaException($"cannot write to the output folder {folder} ({e.Message})");
        }
        string? tookOver = File.Exists(holderPath) ? $"took over the lock of {File.ReadAllText(holderPath).Trim()}, which no longer runs" : null;
        File.WriteAllText(holderPath, $"process {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        if (tookOver is not null) say?.Invoke(tookOver);
        return new RunLock(stream, folder, path, holderPath, created, tookOver, existingAncestor);
    }

    /// <summary>A lock refused because another process holds it, not because the disk refuses the file (read-only, full).</summary>
    private static bool IsHeldByAnother(IOException e) =>
        e.HResult is 11 /* EAGAIN, EWOULDBLOCK */ || e.Message.Contains("being used by another process", StringComparison.Ordinal);

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            File.Delete(_holderPath);
            File.Delete(_path);
        }
        finally
        {
            _stream.Dispose();
        }
        try { _replacement?.Settle(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        if (_created && Directory.Exists(_folder) && !Directory.EnumerateFileSystemEntries(_folder).Any())
        {
            Directory.Delete(_folder);
            // Parents the lock created too (the default runs/CMD-TIMESTAMP makes runs/): removed when left empty.
            for (var parent = Path.GetDirectoryName(_folder); _createdFrom is not null && parent is not null && parent.Length > _createdFrom.Length
                 && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any(); parent = Path.GetDirectoryName(parent))
                Directory.Delete(parent);
        }
    }
}
