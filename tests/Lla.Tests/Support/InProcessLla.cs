namespace Lla.Tests.Support;

/// <summary>
/// Runs `lla` in this process through its own entry point (Program.Main), with the console captured:
/// for the many bad-input cases, which are refused before any work. One at a time (the console is
/// the process's), so the tests that use it share one non-parallel collection.
/// </summary>
public static class InProcessLla
{
    private static readonly object Gate = new();

    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Outcome Run(string workingDirectory, params string[] args)
    {
        lock (Gate)
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var (oldOut, oldErr, oldDir) = (Console.Out, Console.Error, Environment.CurrentDirectory);
            // `--threads N` sets libtorch's threads for the whole process: the tests that follow get theirs back.
            int threads = TorchSharp.torch.get_num_threads();
            try
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
                Environment.CurrentDirectory = workingDirectory;
                int code = Lla.Cli.Program.Main(args);
                return new Outcome(code, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
                Environment.CurrentDirectory = oldDir;
                TorchSharp.torch.set_num_threads(threads);
            }
        }
    }
}

[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;
