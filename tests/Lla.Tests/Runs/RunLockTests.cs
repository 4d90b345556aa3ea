using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>One run per folder: a second run is refused naming the holder; a dead holder's lock is taken over.</summary>
public class RunLockTests
{
    [Fact]
    public void A_second_lock_on_a_folder_is_refused_naming_the_holder_and_released_cleanly()
    {
        string folder = Path.Combine(Paths.NewTempFolder(), "run");
        using (var first = RunLock.Acquire(folder))
        {
            Assert.Null(first.TookOver);
            var second = Assert.Throws<LlaException>(() => RunLock.Acquire(folder));
            Assert.Contains($"is in use by another lla run (process {Environment.ProcessId} on {Environment.MachineName}", second.Message);
            Assert.Contains("--out", second.Render(s => "--" + s));
            // A training's lock is of its file, so two trainings into one folder do not collide.
            using var file = RunLock.Acquire(folder, "model.bin");
            Assert.Throws<LlaException>(() => RunLock.Acquire(folder, "model.bin"));
        }
        Assert.False(Directory.Exists(folder)); // created by the lock and left empty: removed
        using var again = RunLock.Acquire(folder);
    }

    [Fact]
    public void The_lock_of_a_process_that_no_longer_runs_is_taken_over_with_a_note()
    {
        string folder = Paths.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, RunLock.FileName), "");
        File.WriteAllText(Path.Combine(folder, RunLock.HolderFileName), "process 999999 on elsewhere, since 2026-01-01 00:00:00 UTC");
        using var taken = RunLock.Acquire(folder);
        Assert.Equal("took over the lock of process 999999 on elsewhere, since 2026-01-01 00:00:00 UTC, which no longer runs", taken.TookOver);
    }

    [Fact]
    public void Two_landscape_runs_on_one_folder_the_second_is_refused_while_the_first_runs()
    {
        string dir = Paths.NewTempFolder(), run = Path.Combine(dir, "run");
        string[] args = { LlaProcess.CliDll, "landscape", "--steps", "16", "--batch-size", "1024", "--threads", "1", "--out", run };
        using var first = ProcessRunner.Start("dotnet", args, dir);
        // Wait for the first run's lock, then start the second on the same folder.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(Path.Combine(run, RunLock.HolderFileName)) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.True(File.Exists(Path.Combine(run, RunLock.HolderFileName)), "the first run never took its lock");
        var second = LlaProcess.RunIn(dir, "landscape", "--steps", "16", "--seed", "7", "--out", run);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("is in use by another lla run (process", second.Stderr);
        first.Kill(entireProcessTree: true);
    }
}
