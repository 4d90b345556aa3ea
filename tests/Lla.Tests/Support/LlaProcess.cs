namespace Lla.Tests.Support;

/// <summary>Runs the `lla` command as a separate process (errors inside libtorch abort a process, so bad input is tested this way).</summary>
public static class LlaProcess
{
    public static string CliDll
    {
        get
        {
            // tests/Lla.Tests/bin/<Configuration>/<tfm>/ -> src/Lla.Cli/bin/<Configuration>/<tfm>/Lla.Cli.dll
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string tfm = here.Name, configuration = here.Parent!.Name;
            string dll = Path.Combine(Paths.Root, "src", "Lla.Cli", "bin", configuration, tfm, "Lla.Cli.dll");
            if (!File.Exists(dll)) throw new FileNotFoundException("build src/Lla.Cli first", dll);
            return dll;
        }
    }

    public static ProcessRunner.Outcome Run(params string[] args) => RunIn(Path.GetTempPath(), args);

    /// <summary>Runs `lla` to its end; the limit (10 minutes) is for a hung process, not a benchmark: a loaded 2-core machine is slow.</summary>
    public static ProcessRunner.Outcome RunIn(string workingDirectory, params string[] args) =>
        ProcessRunner.Run("dotnet", new[] { CliDll }.Concat(args), workingDirectory, TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "2" });
}
