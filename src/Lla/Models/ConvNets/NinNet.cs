using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.ConvNets;

/// <summary>
/// A Network-in-Network-like network (Lin et al. 2014; PGDL's tasks 2, 6, 7 and 9): <see cref="ConvNetConfig.Depth"/>
/// blocks of a 3×3 convolution (padding 1) with BatchNorm, two 1×1 convolutions, ReLU after each, a 2×2 max-pooling and
/// dropout. Without BatchNorm this head of global average pooling learnt Fashion-MNIST too slowly to converge within a
/// zoo's epochs (52% training accuracy after 53 epochs at depth 1, width 16); with BatchNorm after every convolution
/// the float32 gradient at initialization did not resolve (its float32 evaluations disagreed by 1.09e-3 relative, the
/// numeric guard allows 1e-3, at depth 2, width 8, batch 32); after the 3×3 convolution only it passes (3.1× the
/// rounding floor).
/// the first block of <see cref="ConvNetConfig.Width"/> channels and each later one doubling them; then a 1×1
/// convolution to the classes and global average pooling (no linear layer). Parameter names: features.N.{weight,bias}
/// and head.{weight,bias}.
/// </summary>
public sealed class NinNet : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential features;
    private readonly TorchSharp.Modules.Conv2d head;

    public NinNet(ConvNetConfig config, int inputChannels, int numClasses) : base(nameof(NinNet))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int input = inputChannels;
        for (int block = 0; block < config.Depth; block++)
        {
            int channels = config.Channels(block);
            layers.Add(($"{layers.Count}", Conv2d(input, channels, 3, padding: 1)));
            layers.Add(($"{layers.Count}", BatchNorm2d(channels)));
            layers.Add(($"{layers.Count}", ReLU()));
            layers.Add(($"{layers.Count}", Conv2d(channels, channels, 1)));
            layers.Add(($"{layers.Count}", ReLU()));
            layers.Add(($"{layers.Count}", Conv2d(channels, channels, 1)));
            layers.Add(($"{layers.Count}", ReLU()));
            layers.Add(($"{layers.Count}", MaxPool2d(2)));
            layers.Add(($"{layers.Count}", Dropout(config.Dropout)));
            input = channels;
        }
        features = Sequential(layers);
        head = Conv2d(input, numClasses, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = head.call(features.call(x));
        return functional.adaptive_avg_pool2d(x, 1).flatten(1).MoveToOuterDisposeScope();
    }
}
