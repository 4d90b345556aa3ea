using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models;

/// <summary>A fully connected ReLU network on flattened inputs: fc1 … fcN (PyTorch-style names).</summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly List<TorchSharp.Modules.Linear> _layers = new();

    public Mlp(long inputSize, IReadOnlyList<int> hidden, int numClasses = 10) : base(nameof(Mlp))
    {
        var sizes = new List<long> { inputSize };
        sizes.AddRange(hidden.Select(h => (long)h));
        sizes.Add(numClasses);
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            var layer = Linear(sizes[i], sizes[i + 1]);
            _layers.Add(layer);
            register_module($"fc{i + 1}", layer);
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x.reshape(x.shape[0], -1);
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].forward(x);
            if (i + 1 < _layers.Count) x = functional.relu(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
