using Lla.Parallel;

namespace Lla.Mpi;

/// <summary>
/// The processes of this invocation: one, or the ranks of an MPI job when `lla` was started by an
/// MPI launcher (mpiexec, or srun with PMI). Rank 0 alone prints and writes files; every rank computes.
/// What a front end (the `lla` program, an example) starts before its commands.
/// </summary>
public sealed class Processes : IDisposable
{
    private readonly MpiProcessGroup? _mpi;

    public IProcessGroup Group { get; }
    public bool IsRoot => Group.Rank == 0;
    public bool Distributed => Group.Size > 1;

    private Processes(MpiProcessGroup? mpi)
    {
        _mpi = mpi;
        Group = (IProcessGroup?)mpi ?? SingleProcess.Instance;
    }

    /// <summary>Joins the MPI job if this process was launched into one; otherwise one process, as always.</summary>
    public static Processes Start(string[] args) => new(MpiProcessGroup.LaunchedByMpi() ? MpiProcessGroup.Start(args) : null);

    /// <summary>Ends the whole MPI job at once (a user error on one rank must not leave the others waiting in a collective).</summary>
    public void Abort(int code)
    {
        if (_mpi is not null && Distributed) _mpi.Abort(code);
    }

    /// <summary>
    /// After a user error on this rank, written as one line: in an MPI job, gives the launcher (which forwards output
    /// asynchronously) the line before the abort, then ends every rank, since the others may be waiting for this one.
    /// </summary>
    public void AbortAfterError(int code)
    {
        if (!Distributed) return;
        Thread.Sleep(500);
        Abort(code);
    }

    /// <summary>Commands that train run as one process.</summary>
    public void RequireSingle(string command)
    {
        if (Distributed) throw new LlaException($"lla {command} runs as one process: start it without mpiexec");
    }

    public void Dispose() => _mpi?.Dispose();
}
