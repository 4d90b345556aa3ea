namespace Lla.Parallel;

/// <summary>
/// The processes that share one job: one process (<see cref="SingleProcess"/>), or the ranks of an
/// MPI job (Lla.Mpi). The algorithms ask only for what they need: who am I, how many are we, sum
/// arrays across all, send small records to rank 0, and send rank 0's data to all.
/// </summary>
public interface IProcessGroup
{
    int Rank { get; }
    int Size { get; }
    bool IsRoot => Rank == 0;

    /// <summary>Whether the processes talk through MPI (for the results' record).</summary>
    bool IsMpi => false;

    /// <summary>This rank's calls into the communication layer so far, and the seconds spent inside them.</summary>
    long Calls => 0;
    double Seconds => 0;

    /// <summary>Every rank passes its array; every rank gets back the elementwise sum over ranks (MPI_Allreduce).</summary>
    double[] Sum(double[] values);

    /// <summary>Every rank passes its array; every rank gets back the elementwise sum over ranks, in place.</summary>
    void SumInPlace(float[] values);

    /// <summary>Rank 0's array, on every rank (MPI_Bcast); the length may differ from the others' arguments.</summary>
    double[] Broadcast(double[] valuesOnRoot);

    /// <summary>On a rank other than 0: sends a small record to rank 0 without waiting for the others (MPI_Send).</summary>
    void SendToRoot(double[] record);

    /// <summary>On rank 0: a record of <paramref name="length"/> values from any rank if one has arrived, else null; never waits.</summary>
    double[]? TryReceive(int length);

    /// <summary>On rank 0: waits for the next record of <paramref name="length"/> values from any rank.</summary>
    double[] Receive(int length);
}

/// <summary>A job of one process: every collective is the identity.</summary>
public sealed class SingleProcess : IProcessGroup
{
    public static readonly SingleProcess Instance = new();
    public int Rank => 0;
    public int Size => 1;
    public double[] Sum(double[] values) => values;
    public void SumInPlace(float[] values) { }
    public double[] Broadcast(double[] valuesOnRoot) => valuesOnRoot;
    public void SendToRoot(double[] record) => throw new InvalidOperationException("a single process has no other rank to send from");
    public double[]? TryReceive(int length) => null;
    public double[] Receive(int length) => throw new InvalidOperationException("a single process receives nothing");
}
