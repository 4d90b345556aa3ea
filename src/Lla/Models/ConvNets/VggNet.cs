using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.ConvNets;

/// <summary>
/// A VGG-like network (PGDL's tasks 1 and 8): <see cref="ConvNetConfig.Depth"/> blocks of two 3×3 convolutions
/// (padding 1, ReLU after each) and a 2×2 max-pooling, the first block of <see cref="ConvNetConfig.Width"/>
/// channels and each later one doubling them; then a classifier: dropout, a linear layer of 128 units with ReLU,
/// dropout, the linear output layer. Parameter names: features.N.{weight,bias} (N counts every layer of the
/// blocks, pools included, as PyTorch's Sequential does) and classifier.{1,4}.{weight,bias}.
/// </summary>
public sealed class VggNet : Module<Tensor, Tensor>
{
    /// <summary>The classifier's hidden units (the output layer's input width).</summary>
    public const int Hidden = 128;
    private readonly TorchSharp.Modules.Sequential features;
    private readonly TorchSharp.Modules.Sequential classifier;

    public VggNet(ConvNetConfig config, int inputChannels, long imageSide, int numClasses) : base(nameof(VggNet))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int input = inputChannels;
        for (int block = 0; block < config.Depth; block++)
        {
            int channels = config.Channels(block);
            layers.Add(($"{layers.Count}", Conv2d(input, channels, 3, padding: 1)));
            layers.Add(($"{layers.Count}", ReLU()));
            layers.Add(($"{layers.Count}", Conv2d(channels, channels, 3, padding: 1)));
            layers.Add(($"{layers.Count}", ReLU()));
            layers.Add(($"{layers.Count}", MaxPool2d(2)));
            input = channels;
            imageSide /= 2;
        }
        features = Sequential(layers);
        long flat = input * imageSide * imageSide;
        classifier = Sequential(
            ("0", Dropout(config.Dropout)), ("1", Linear(flat, Hidden)), ("2", ReLU()),
            ("3", Dropout(config.Dropout)), ("4", Linear(Hidden, numClasses)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = features.call(x).flatten(1);
        return classifier.call(x).MoveToOuterDisposeScope();
    }
}
