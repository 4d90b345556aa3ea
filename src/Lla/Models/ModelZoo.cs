using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>What a model needs to be built: its name and the data's input shape and class count.</summary>
public sealed record ModelSpec(string Name, long[] InputShape, int NumClasses, IReadOnlyList<int>? Hidden = null);

/// <summary>The architectures the command line can build by name.</summary>
public static class ModelZoo
{
    public static readonly string[] Names = { "lenet", "mlp" };

    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        switch (spec.Name)
        {
            case "lenet":
                if (spec.InputShape.Length != 3 || spec.InputShape[1] != 28 || spec.InputShape[2] != 28)
                    throw new LlaException($"lenet needs 28×28 images, the data has samples of shape [{string.Join(",", spec.InputShape)}]");
                return new LeNet((int)spec.InputShape[0], spec.NumClasses);
            case "mlp":
                long inputs = spec.InputShape.Aggregate(1L, (a, b) => a * b);
                return new Mlp(inputs, spec.Hidden ?? new[] { 128 }, spec.NumClasses);
            default:
                throw new LlaException($"unknown model '{spec.Name}' (known: {string.Join(", ", Names)})");
        }
    }
}
