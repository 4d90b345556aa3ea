using static TorchSharp.torch;

namespace Lla.Parallel;

/// <summary>What jobs need of a process group beyond its primitives: tensors from rank 0.</summary>
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
}
