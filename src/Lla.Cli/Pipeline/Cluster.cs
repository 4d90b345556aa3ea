using Lla.Mpi;
using Lla.Parallel;

namespace Lla.Cli.Pipeline;

/// <summary>
/// The processes of this job: one, or the ranks of an MPI job when `lla` was started by an MPI
/// launcher (mpiexec, or srun with PMI). Rank 0 alone prints and writes files; every rank computes.
/// </summary>
internal static class Cluster
{
    private static MpiProcessGroup? _mpi;

    public static IProcessGroup Group { get; private set; } = SingleProcess.Instance;
    public static bool IsRoot => Group.Rank == 0;
    public static bool Distributed => Group.Size > 1;

    /// <summary>Joins the MPI job if this process was launched into one; otherwise one process, as always.</summary>
    public static void Start(string[] args)
    {
        if (!MpiProcessGroup.LaunchedByMpi()) return;
        _mpi = MpiProcessGroup.Start(args);
        Group = _mpi;
    }

    /// <summary>Ends the whole MPI job at once (a user error on one rank must not leave the others waiting in a collective).</summary>
    public static void Abort(int code)
    {
        if (_mpi is not null && Distributed) _mpi.Abort(code);
    }

    public static void Stop() => _mpi?.Dispose();

    /// <summary>For results.json: how many processes did the work and, under MPI, rank 0's MPI calls and the time inside them.</summary>
    public static System.Text.Json.Nodes.JsonObject Describe() => new()
    {
        ["ranks"] = Group.Size,
        ["mpi"] = _mpi is not null,
        ["mpi_calls_rank0"] = _mpi?.Calls ?? 0,
        ["mpi_seconds_rank0"] = _mpi?.Seconds ?? 0,
    };

    /// <summary>Rank 0's values, on every rank.</summary>
    public static TorchSharp.torch.Tensor Broadcast(TorchSharp.torch.Tensor? onRoot, TorchSharp.torch.ScalarType dtype, TorchSharp.torch.Device device)
    {
        double[] values = IsRoot ? onRoot!.cpu().to(TorchSharp.torch.ScalarType.Float64).data<double>().ToArray() : Array.Empty<double>();
        var all = Group.Broadcast(values);
        return TorchSharp.torch.tensor(all).to(dtype).to(device);
    }
}
