using Lla.Parallel;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>Sums a flat partial product across the ranks of a process group (the identity for one process).</summary>
internal static class ProcessSum
{
    /// <summary>The elementwise sum over ranks; disposes <paramref name="partial"/> when it returns a new tensor.</summary>
    public static Tensor Sum(IProcessGroup group, Tensor partial)
    {
        if (group.Size == 1) return partial;
        var device = partial.device;
        using var cpu = partial.cpu();
        Tensor summed;
        if (partial.dtype == ScalarType.Float64)
            summed = tensor(group.Sum(cpu.data<double>().ToArray()));
        else
        {
            var values = cpu.to(ScalarType.Float32).data<float>().ToArray();
            group.SumInPlace(values);
            summed = tensor(values).to(partial.dtype);
        }
        partial.Dispose();
        return summed.to(device);
    }
}
