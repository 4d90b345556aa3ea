using System.Diagnostics;

namespace Lla.Tests.Cli;

/// <summary>After a user error, one process has nothing to abort and does not wait (the wait for the launcher is an MPI job's, checked by the MPI tests).</summary>
public class ProcessesAbortTests
{
    [Fact]
    public void One_process_returns_at_once()
    {
        using var processes = Lla.Mpi.Processes.Start(Array.Empty<string>());
        Assert.False(processes.Distributed);
        var clock = Stopwatch.StartNew();
        processes.AbortAfterError(2);
        Assert.True(clock.ElapsedMilliseconds < 400, $"waited {clock.ElapsedMilliseconds} ms");
    }
}
