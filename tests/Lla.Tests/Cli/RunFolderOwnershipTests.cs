using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `--out` holding a finished run of another command is refused before any work and left as it was;
/// `--force` replaces it. The storage refusing a write (a read-only file system) is one line that says so.
/// </summary>
[Collection("console")]
public class RunFolderOwnershipTests
{
    private static string ConnectRun(string cwd)
    {
        string run = Path.Combine(cwd, "run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "results.json"), new JsonObject { ["command"] = "connect", ["paths"] = new JsonArray() }.ToJsonString());
        File.WriteAllText(Path.Combine(run, "report.html"), "<html>connect-run-marker</html>");
        return run;
    }

    [Theory]
    [InlineData("hessian", "--top-k", "0", "--batch-size", "32")]
    [InlineData("landscape", "--steps", "2", "--batch-size", "32")]
    [InlineData("measure", "--only", "norms")]
    [InlineData("analyze", "--landscape-steps", "0")]
    [InlineData("study", "--preset", "quick")]
    public void Another_commands_finished_run_is_refused_before_any_work(params string[] args)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), run = ConnectRun(cwd);
        var before = Directory.GetFileSystemEntries(run).Order().ToArray();
        var outcome = InProcessLla.Run(cwd, args.Concat(new[] { "--out", "run" }).ToArray());
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: --out {run} holds a finished `lla connect` run (results.json): choose another --out, or add --force to replace it", line);
        Assert.Equal(before, Directory.GetFileSystemEntries(run).Order().ToArray());
        Assert.Equal("<html>connect-run-marker</html>", File.ReadAllText(Path.Combine(run, "report.html")));
    }

    [Fact]
    public void Force_replaces_it_and_says_so()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), run = ConnectRun(cwd);
        var outcome = InProcessLla.Run(cwd, "hessian", "--top-k", "1", "--lanczos-steps", "3", "--batch-size", "32", "--threads", "1", "--out", "run", "--force");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains($"replacing a finished `lla connect` run (results.json) in {run} (--force)", outcome.Stdout + outcome.Stderr);
        Assert.Equal("hessian", JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["command"]!.GetValue<string>());
        Assert.DoesNotContain("connect-run-marker", File.ReadAllText(Path.Combine(run, "report.html")));
    }

    [Fact]
    public void A_forced_run_refused_for_its_inputs_leaves_the_old_run_as_it_was()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), run = ConnectRun(cwd);
        var before = Directory.GetFileSystemEntries(run).Order().ToArray();
        var outcome = InProcessLla.Run(cwd, "landscape", "--steps", "2", "--batch-size", "32", "--weights", "none", "--data", "npy:x.npy,y.npy", "--out", "run", "--force");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("x.npy", outcome.Stderr);
        Assert.Equal(before, Directory.GetFileSystemEntries(run).Order().ToArray());
        Assert.Equal("<html>connect-run-marker</html>", File.ReadAllText(Path.Combine(run, "report.html")));
    }

    [Fact]
    public void A_refusal_without_out_leaves_no_runs_folder()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "hessian", "--weights", "none", "--data", "npy:x.npy,y.npy");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void The_same_command_with_other_options_is_refused_and_with_the_same_options_runs_again()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        string[] first = { "hessian", "--top-k", "1", "--lanczos-steps", "3", "--batch-size", "32", "--threads", "1", "--out", "run", "--quiet" };
        Assert.Equal(0, InProcessLla.Run(cwd, first).ExitCode);
        var again = InProcessLla.Run(cwd, first.Select(a => a == "1" ? "2" : a).ToArray()); // --top-k 2 (and --threads 2, which changes no result)
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("holds a finished `lla hessian` run (results.json) with other options (--top-k was 1 there, 2 now)", again.Stderr);
        Assert.Equal(0, InProcessLla.Run(cwd, first).ExitCode);
    }

    [RequiresTmpfsFact]
    public void A_read_only_file_system_is_said_as_such_not_as_a_run_in_use()
    {
        using var mount = TmpfsMount.Create("size=1m,ro");
        var e = Assert.Throws<LlaException>(() => Lla.Runs.RunLock.Acquire(mount.Path));
        Assert.DoesNotContain("in use", e.Message);
        Assert.Contains("Read-only file system", e.Message);
        var outcome = InProcessLla.Run(Paths.NewTempFolder(), "hessian", "--top-k", "0", "--out", Path.Combine(mount.Path, "run"));
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("Read-only file system", Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [RequiresTmpfsFact]
    public void A_disk_that_fills_during_the_run_is_one_line_and_leaves_no_temporary_file()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        Assert.Equal(0, InProcessLla.Run(cwd, "hessian", "--top-k", "1", "--lanczos-steps", "3", "--batch-size", "32", "--threads", "1", "--out", "run", "--quiet").ExitCode);
        using var mount = TmpfsMount.Create("size=256k");
        string run = Path.Combine(mount.Path, "run");
        Directory.CreateDirectory(run);
        File.Copy(Path.Combine(cwd, "run", "results.json"), Path.Combine(run, "results.json"));
        // Fill what is left, so that drawing the report finds the disk full.
        using (var filler = new FileStream(Path.Combine(mount.Path, "filler"), FileMode.Create))
        {
            try { while (true) filler.Write(new byte[4096]); }
            catch (IOException) { }
        }
        var outcome = InProcessLla.Run(cwd, "report", run);
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the disk is full (", line);
        Assert.Empty(Directory.GetFiles(run, "*.tmp-*"));
    }
}
