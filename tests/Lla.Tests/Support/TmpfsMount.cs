using System.Diagnostics;

namespace Lla.Tests.Support;

/// <summary>
/// A small tmpfs mounted for one test (read-only, or of a given size to fill), to meet the storage
/// failures users meet (a read-only or full disk); mounting needs root, which CI here has.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    public string Path { get; }

    private TmpfsMount(string path) => Path = path;

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts are Linux only";
        if (Environment.UserName != "root") return "mounting a tmpfs needs root";
        return File.Exists("/bin/mount") || File.Exists("/usr/bin/mount") ? null : "no mount command";
    }

    public static TmpfsMount Create(string options)
    {
        string path = Paths.NewTempFolder();
        var outcome = ProcessRunner.Run("mount", new[] { "-t", "tmpfs", "-o", options, "tmpfs", path });
        if (outcome.ExitCode != 0) throw new InvalidOperationException($"mount -t tmpfs -o {options} failed: {outcome.Stderr.Trim()}");
        return new TmpfsMount(path);
    }

    public void Dispose() => ProcessRunner.Run("umount", new[] { "-l", Path });
}

/// <summary>A test that mounts a tmpfs; skipped, saying why, where that is impossible.</summary>
public sealed class RequiresTmpfsFactAttribute : FactAttribute
{
    public RequiresTmpfsFactAttribute()
    {
        if (TmpfsMount.Unavailable() is { } reason) Skip = reason;
    }
}
