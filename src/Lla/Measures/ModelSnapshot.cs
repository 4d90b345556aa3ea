using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// A copy of every parameter and buffer of a model; <see cref="Dispose"/> writes them back exactly
/// (bit for bit), so a measure may change the weights in place (folding, squaring, noise) and leave
/// the model as it found it.
/// </summary>
public sealed class ModelSnapshot : IDisposable
{
    private readonly List<(Tensor Live, Tensor Saved)> _saved = new();

    public ModelSnapshot(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters()) _saved.Add((p, p.detach().clone().DetachFromDisposeScope()));
        foreach (var (_, b) in model.named_buffers()) _saved.Add((b, b.clone().DetachFromDisposeScope()));
    }

    public void Dispose()
    {
        using (no_grad())
            foreach (var (live, saved) in _saved)
            {
                live.copy_(saved);
                saved.Dispose();
            }
        _saved.Clear();
    }
}
