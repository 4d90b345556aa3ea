using static TorchSharp.torch;

namespace Lla.Models.ConvNets;

/// <summary>Builds the network a <c>vgg:</c> or <c>nin:</c> model name describes, for the data's image shape and classes.</summary>
public static class ConvNetModels
{
    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        var config = ConvNetConfig.Parse(spec.Name);
        int channels = ModelZoo.ImageChannels(spec, spec.Name, config.MinimumSize);
        if (spec.InputShape[1] != spec.InputShape[2])
            throw new LlaException($"{spec.Name} needs square images, the data has samples of shape [{string.Join(",", spec.InputShape)}]");
        return config.Kind switch
        {
            ConvNetKind.Vgg => new VggNet(config, channels, spec.InputShape[1], spec.NumClasses),
            ConvNetKind.Nin => new NinNet(config, channels, spec.NumClasses),
        };
    }

    /// <summary>The output layer's input width: the classifier's hidden units (VGG) or the last block's channels (NiN's 1×1 head).</summary>
    public static long OutputWidth(ModelSpec spec)
    {
        var config = ConvNetConfig.Parse(spec.Name);
        return config.Kind switch
        {
            ConvNetKind.Vgg => VggNet.Hidden,
            ConvNetKind.Nin => config.Channels(config.Depth - 1),
        };
    }
}
