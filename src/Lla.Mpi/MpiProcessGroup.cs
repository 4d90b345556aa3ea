using System.Reflection;
using System.Runtime.InteropServices;
using Lla.Parallel;

namespace Lla.Mpi;

/// <summary>
/// The ranks of an MPI job through MPI.NET on MPICH. MPI.NET 1.4.0 was built against MS-MPI and
/// imports msmpi.dll; MPICH has the same handle ABI (MS-MPI descends from it), so on Linux its
/// P/Invokes are pointed at libmpich.so.12 by a DLL import resolver.
/// </summary>
public sealed class MpiProcessGroup : IProcessGroup, IDisposable
{
    private static readonly string[] Libraries = { "libmpich.so.12", "libmpi.so.12", "libmpich.so" };
    private readonly MPI.Environment _environment;
    private readonly MPI.Intracommunicator _world;

    private MpiProcessGroup(string[] args)
    {
        _environment = new MPI.Environment(ref args);
        _world = MPI.Communicator.world;
    }

    private readonly System.Diagnostics.Stopwatch _inCollectives = new();

    /// <summary>MPI calls made so far (collectives, sends, receives, probes) and the time spent inside them (transfer plus waiting for the other ranks).</summary>
    public long Calls { get; private set; }
    public double Seconds => _inCollectives.Elapsed.TotalSeconds;

    private T Timed<T>(Func<T> collective)
    {
        Calls++;
        _inCollectives.Start();
        try { return collective(); }
        finally { _inCollectives.Stop(); }
    }

    public bool IsMpi => true;
    public int Rank => _world.Rank;
    public int Size => _world.Size;

    /// <summary>Whether this process was started by an MPI launcher (mpiexec / srun with PMI), judged by its environment.</summary>
    public static bool LaunchedByMpi() =>
        Environment.GetEnvironmentVariable("PMI_RANK") is not null || Environment.GetEnvironmentVariable("PMI_SIZE") is not null
        || Environment.GetEnvironmentVariable("PMIX_RANK") is not null || Environment.GetEnvironmentVariable("MPI_LOCALRANKID") is not null;

    /// <summary>Starts MPI (once per process). Throws <see cref="LlaException"/> when no MPI library can be loaded.</summary>
    public static MpiProcessGroup Start(string[] args)
    {
        InstallResolver();
        try
        {
            return new MpiProcessGroup(args);
        }
        catch (DllNotFoundException e)
        {
            throw new LlaException($"this process was started by an MPI launcher but no MPI library loads ({e.Message}); install MPICH (apt-get install mpich)");
        }
    }

    private static int _installed;

    private static void InstallResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(MPI.Environment).Assembly, (name, assembly, path) =>
        {
            if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
            foreach (var library in Libraries)
                if (NativeLibrary.TryLoad(library, out var handle)) return handle;
            return IntPtr.Zero;
        });
    }

    public double[] Sum(double[] values) => Timed(() => _world.Allreduce(values, MPI.Operation<double>.Add));

    public void SumInPlace(float[] values)
    {
        var sum = Timed(() => _world.Allreduce(values, MPI.Operation<float>.Add));
        Array.Copy(sum, values, values.Length);
    }

    public double[] Broadcast(double[] valuesOnRoot)
    {
        return Timed(() =>
        {
            int length = valuesOnRoot.Length;
            _world.Broadcast(ref length, 0);
            var buffer = Rank == 0 ? valuesOnRoot : new double[length];
            _world.Broadcast(ref buffer, 0);
            return buffer;
        });
    }

    private const int RecordTag = 17;

    public void SendToRoot(double[] record) => Timed(() => { _world.Send(record, 0, RecordTag); return 0; });

    public double[]? TryReceive(int length) => Timed(() =>
    {
        var status = _world.ImmediateProbe(MPI.Communicator.anySource, RecordTag);
        if (status is null) return null;
        var record = new double[length];
        _world.Receive(status.Source, RecordTag, ref record);
        return record;
    });

    public double[] Receive(int length) => Timed(() =>
    {
        var record = new double[length];
        _world.Receive(MPI.Communicator.anySource, RecordTag, ref record);
        return record;
    });

    /// <summary>Ends every rank of the job with this exit code (MPI_Abort).</summary>
    public void Abort(int code) => MPI.Environment.Abort(code);

    public void Dispose() => _environment.Dispose();
}
