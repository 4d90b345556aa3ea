using Lla.Runs;
using static TorchSharp.torch;

namespace Lla.Parallel;

/// <summary>What jobs need of a process group beyond its primitives: tensors from rank 0 and the results' record.</summary>
public static class ProcessGroups
{
    /// <summary>Rank 0's tensor, on every rank (the identity for one process).</summary>
    public static Tensor Broadcast(this IProcessGroup group, Tensor? onRoot, ScalarType dtype, Device device)
    {
        if (group.Size == 1) return onRoot!;
        double[] values;
        using (NewDisposeScope()) values = group.IsRoot ? onRoot!.cpu().to(ScalarType.Float64).data<double>().ToArray() : Array.Empty<double>();
        using var received = tensor(group.Broadcast(values));
        return received.to(dtype).to(device, disposeAfter: true);
    }

    /// <summary>For results.json: how many processes did the work and, under MPI, rank 0's MPI calls and the time inside them.</summary>
    public static ProcessRecord Describe(this IProcessGroup group) => new(group.Size, group.IsMpi, group.Calls, group.Seconds);
}
