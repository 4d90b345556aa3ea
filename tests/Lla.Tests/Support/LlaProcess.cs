using System.Diagnostics;

namespace Lla.Tests.Support;

/// <summary>Runs the `lla` command as a separate process (errors inside libtorch abort a process, so bad input is tested this way).</summary>
public static class LlaProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

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

    public static Outcome Run(params string[] args) => RunIn(Path.GetTempPath(), args);

    public static Outcome RunIn(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = "2";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("lla " + string.Join(" ", args));
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }
}
