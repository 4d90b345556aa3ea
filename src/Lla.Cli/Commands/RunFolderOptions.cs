using System.CommandLine;

namespace Lla.Cli.Commands;

/// <summary>Options of the commands that write a run folder (--out).</summary>
internal static class RunFolderOptions
{
    /// <summary>--force: a folder belongs to one run; this replaces the run it holds instead of refusing it.</summary>
    public static Option<bool> Force() => new("--force") { Description = "replace the run that --out already holds (of another command, or with other options); without it such a folder is refused" };
}
