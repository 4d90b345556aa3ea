using Lla.Native;

namespace Lla.Runs;

/// <summary>Refuses a run whose planned files (directions, eigenvectors, checkpoints) would not fit the disk of its folder, before the work.</summary>
public static class DiskBudget
{
    /// <summary>Room kept free beyond the planned files (results, figures, the report).</summary>
    public const long Margin = 64L << 20;

    /// <summary>Throws when <paramref name="bytes"/> plus a margin of 64 MiB exceed the free space where <paramref name="folder"/> lives.</summary>
    public static void Require(string folder, double bytes, string what)
    {
        var root = Path.GetPathRoot(Path.GetFullPath(folder));
        if (root is null) return;
        long free;
        try { free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return; }
        if (bytes + Margin > free)
            throw new LlaException($"{what} need {MemoryBudget.Format(bytes)} on disk (plus a {MemoryBudget.Format(Margin)} margin), but {folder} has {MemoryBudget.Format(free)} free");
    }
}
