namespace Lla.Runs;

/// <summary>
/// Failures of the storage under a run, which no check before the work can rule out (the disk fills
/// while a landscape is written, the file system is read-only, permission is refused): one line that
/// says what happened and what to do, instead of a stack trace. Finished points and epochs stay where
/// their command keeps them, so a rerun with --resume continues.
/// </summary>
public static class StorageFailure
{
    // Linux errno values as .NET reports them in IOException.HResult.
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, QuotaExceeded = 122;
    // What .NET reports when preallocating a file fails for want of space (ERROR_DISK_FULL as an HRESULT).
    private const int DiskFullHResult = unchecked((int)0x80070070);

    /// <summary>The one line for <paramref name="e"/>, or null when it is not a storage failure.</summary>
    public static string? Describe(Exception e) => e switch
    {
        IOException io when io.HResult is NoSpace or DiskFullHResult || io.Message.Contains("No space left", StringComparison.Ordinal)
                             || io.Message.Contains("disk was full", StringComparison.Ordinal) =>
            $"the disk is full ({OneLine(io.Message)}): free some space and run the command again (with --resume where it has one, to keep finished work)",
        IOException io when io.HResult == QuotaExceeded => $"the disk quota is exceeded ({OneLine(io.Message)}): free some space and run the command again",
        IOException io when io.HResult == ReadOnlyFileSystem || io.Message.Contains("Read-only file system", StringComparison.Ordinal) =>
            $"cannot write: the file system is read-only ({OneLine(io.Message)}); choose an output on a writable disk",
        UnauthorizedAccessException ua => $"permission denied ({OneLine(ua.Message)})",
        _ => null,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
