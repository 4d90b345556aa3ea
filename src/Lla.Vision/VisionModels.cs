using Lla.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Vision;

/// <summary>
/// Registers TorchVision's ResNet-18/34/50 with the model zoo (3-channel images, any class count).
/// Their parameter and buffer names are torchvision's, so PyTorch state dicts load by name.
/// </summary>
public static class VisionModels
{
    public static void Register()
    {
        ModelZoo.Register("resnet18", spec => Build(spec, "resnet18", n => torchvision.models.resnet18(num_classes: n)), outputWidth: 512);
        ModelZoo.Register("resnet34", spec => Build(spec, "resnet34", n => torchvision.models.resnet34(num_classes: n)), outputWidth: 512);
        ModelZoo.Register("resnet50", spec => Build(spec, "resnet50", n => torchvision.models.resnet50(num_classes: n)), outputWidth: 2048);
    }

    private static nn.Module<Tensor, Tensor> Build(ModelSpec spec, string name, Func<int, nn.Module<Tensor, Tensor>> make)
    {
        int channels = ModelZoo.ImageChannels(spec, name, minimumSize: 32);
        if (channels != 3) throw new LlaException($"{name} takes 3-channel images, the data has {channels} channel(s)");
        return make(spec.NumClasses);
    }
}
