using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>What a model needs to be built: its name and the data's input shape and class count.</summary>
public sealed record ModelSpec(string Name, long[] InputShape, int NumClasses, IReadOnlyList<int>? Hidden = null);

/// <summary>
/// The architectures that can be built by name. The library's own (mlp, lenet, resnet20) are always
/// there; an application adds others (Lla.Vision registers TorchVision's ResNets) with <see cref="Register"/>.
/// </summary>
public static class ModelZoo
{
    /// <summary>The width of each architecture's output layer's input (its weights are classes × width): sized before building.</summary>
    private static readonly Dictionary<string, Func<ModelSpec, long>> OutputWidths = new()
    {
        ["lenet"] = _ => 84,
        ["mlp"] = spec => spec.Hidden is { Count: > 0 } hidden ? hidden[^1] : 128,
        ["resnet20"] = _ => 64,
    };

    private static readonly Dictionary<string, Func<ModelSpec, nn.Module<Tensor, Tensor>>> Factories = new()
    {
        ["lenet"] = spec =>
        {
            if (spec.InputShape.Length != 3 || spec.InputShape[1] != 28 || spec.InputShape[2] != 28)
                throw new LlaException($"lenet needs 28×28 images, the data has samples of shape [{string.Join(",", spec.InputShape)}]");
            return new LeNet((int)spec.InputShape[0], spec.NumClasses);
        },
        ["mlp"] = spec => new Mlp(spec.InputShape.Aggregate(1L, (a, b) => a * b), spec.Hidden ?? new[] { 128 }, spec.NumClasses),
        ["resnet20"] = spec => new ResNet20(ImageChannels(spec, "resnet20", minimumSize: 8), spec.NumClasses),
    };

    public static IReadOnlyCollection<string> Names
    {
        get { lock (Factories) return Factories.Keys.Concat(ConvNets.ConvNetConfig.Forms).Concat(Gpt.GptConfig.Presets.Keys).Append("gpt:layers=L,heads=H,width=W,context=T").ToArray(); }
    }

    /// <summary>Adds an architecture; <paramref name="outputWidth"/> is its output layer's input width (for sizing it before it is built).</summary>
    public static void Register(string name, Func<ModelSpec, nn.Module<Tensor, Tensor>> factory, int outputWidth = 1)
    {
        lock (Factories)
        {
            Factories[name] = factory;
            OutputWidths[name] = _ => outputWidth;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a registered architecture, a VGG-like or NiN-like network (vgg:…, nin:…) or a GPT (gpt-nano, gpt-bytes, gpt2-small, or gpt:… — a malformed one is known and refused by <see cref="Create"/> naming the bad key).</summary>
    public static bool Knows(string name)
    {
        if (Gpt.GptConfig.Names(name) || ConvNets.ConvNetConfig.Names(name)) return true;
        lock (Factories) return Factories.ContainsKey(name);
    }

    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        if (Gpt.GptConfig.Names(spec.Name)) return Gpt.GptModels.Create(spec);
        if (ConvNets.ConvNetConfig.Names(spec.Name))
        {
            RequireOutputLayerFits(spec);
            return ConvNets.ConvNetModels.Create(spec);
        }
        Func<ModelSpec, nn.Module<Tensor, Tensor>>? factory;
        lock (Factories) Factories.TryGetValue(spec.Name, out factory);
        if (factory is null) throw new LlaException($"unknown model '{spec.Name}' (known: {string.Join(", ", Names)})");
        RequireOutputLayerFits(spec);
        return factory(spec);
    }

    /// <summary>
    /// A class count too large for memory (--num-classes 1000000000, or labels that imply it) is one line
    /// with the output layer's size, before libtorch is asked for it: its weights and gradient, float32.
    /// </summary>
    public static void RequireOutputLayerFits(ModelSpec spec)
    {
        Func<ModelSpec, long>? width;
        lock (Factories) OutputWidths.TryGetValue(spec.Name, out width);
        if (ConvNets.ConvNetConfig.Names(spec.Name)) width = ConvNets.ConvNetModels.OutputWidth;
        long features = width?.Invoke(spec) ?? 1;
        double bytes = 2.0 * spec.NumClasses * (features + 1) * sizeof(float);
        Native.MemoryBudget.Require(bytes, $"{spec.Name}'s output layer for {spec.NumClasses} classes ({{num-classes}}, or the labels: {features + 1} × {spec.NumClasses} weights, with their gradient)");
    }

    /// <summary>The channel count of image samples [C, H, W], checked against a minimum size.</summary>
    public static int ImageChannels(ModelSpec spec, string model, int minimumSize)
    {
        if (spec.InputShape.Length != 3 || spec.InputShape[1] < minimumSize || spec.InputShape[2] < minimumSize)
            throw new LlaException($"{model} needs images [channels, height, width] of at least {minimumSize}×{minimumSize}, the data has samples of shape [{string.Join(",", spec.InputShape)}]");
        return (int)spec.InputShape[0];
    }
}
