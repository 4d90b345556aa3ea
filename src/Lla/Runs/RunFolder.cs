using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lla.Runs;

/// <summary>
/// The folder a command writes: results.json and figures. Every file is written to a temporary
/// name and renamed into place, so a reader (or a crash) never sees a half-written file.
/// </summary>
public sealed class RunFolder
{
    public string Path { get; }

    /// <summary>The plan of a resumable run (a landscape's grid), written before its first point.</summary>
    public const string PlanFile = "plan.json";

    /// <summary>Where a run goes when not told: runs/COMMAND-TIMESTAMP, the local time to the second.</summary>
    public static string Default(string command) => Default(command, DateTime.Now);

    /// <summary>The folder <see cref="Default(string)"/> names for a run started at <paramref name="now"/>.</summary>
    public static string Default(string command, DateTime now) => System.IO.Path.Combine("runs", FormattableString.Invariant($"{command}-{now:yyyyMMdd-HHmmss}"));

    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.File.Exists(Path)) throw new LlaException($"{{out}} {path} is a file, not a folder");
        try { Directory.CreateDirectory(Path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LlaException($"cannot create the output folder {path} ({e.Message})");
        }
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string ResultsPath => File(ResultsSerializer.ResultsFile);

    /// <summary>results.json, atomically, by the one serializer.</summary>
    public void WriteResults(RunResults results) => ResultsSerializer.Write(ResultsPath, results);

    /// <summary>Any other file of the run (plan, axes facts), atomically, by the same serializer.</summary>
    public void Write<T>(string name, T value) => ResultsSerializer.Write(File(name), value);

    /// <summary>Writes through <paramref name="write"/> to a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, Action<string> write)
    {
        string tmp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            write(tmp);
            System.IO.File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (System.IO.File.Exists(tmp)) System.IO.File.Delete(tmp);
        }
    }
}
