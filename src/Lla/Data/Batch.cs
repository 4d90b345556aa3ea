using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>Inputs and targets of one mini-batch. Owns its tensors.</summary>
public sealed record Batch(Tensor Inputs, Tensor Targets) : IDisposable
{
    public long Count => Inputs.shape[0];
    public void Dispose() { Inputs.Dispose(); Targets.Dispose(); }
}
