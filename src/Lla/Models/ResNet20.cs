using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models;

/// <summary>
/// The CIFAR-style ResNet-20 of He et al. (2016) with BatchNorm: a 3×3 stem of 16 channels, three
/// stages of three basic blocks (16, 32, 64 channels; stride 2 at the start of stages 2 and 3, with a
/// 1×1 convolution + BatchNorm shortcut there), global average pooling and a linear classifier.
/// Parameter names follow torchvision's ResNets: conv1, bn1, layerS.B.{conv1,bn1,conv2,bn2,downsample.0,downsample.1}, fc.
/// </summary>
public sealed class ResNet20 : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv1;
    private readonly TorchSharp.Modules.BatchNorm2d bn1;
    private readonly TorchSharp.Modules.Sequential layer1, layer2, layer3;
    private readonly TorchSharp.Modules.Linear fc;

    public ResNet20(int inputChannels = 3, int numClasses = 10) : base(nameof(ResNet20))
    {
        conv1 = Conv2d(inputChannels, 16, 3, padding: 1, bias: false);
        bn1 = BatchNorm2d(16);
        layer1 = Stage(16, 16, 1);
        layer2 = Stage(16, 32, 2);
        layer3 = Stage(32, 64, 2);
        fc = Linear(64, numClasses);
        RegisterComponents();
    }

    private static TorchSharp.Modules.Sequential Stage(int input, int output, int stride) =>
        Sequential(("0", new BasicBlock(input, output, stride)), ("1", new BasicBlock(output, output, 1)), ("2", new BasicBlock(output, output, 1)));

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = functional.relu(bn1.call(conv1.call(x)));
        x = layer3.call(layer2.call(layer1.call(x)));
        x = functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv1, conv2;
        private readonly TorchSharp.Modules.BatchNorm2d bn1, bn2;
        private readonly TorchSharp.Modules.Sequential? downsample;

        public BasicBlock(int input, int output, int stride) : base(nameof(BasicBlock))
        {
            conv1 = Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
            bn1 = BatchNorm2d(output);
            conv2 = Conv2d(output, output, 3, padding: 1, bias: false);
            bn2 = BatchNorm2d(output);
            if (stride != 1 || input != output)
                downsample = Sequential(("0", Conv2d(input, output, 1, stride: stride, bias: false)), ("1", BatchNorm2d(output)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var y = functional.relu(bn1.call(conv1.call(x)));
            y = bn2.call(conv2.call(y));
            var shortcut = downsample is null ? x : downsample.call(x);
            return functional.relu(y.add(shortcut)).MoveToOuterDisposeScope();
        }
    }
}
