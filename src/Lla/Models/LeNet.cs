using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models;

/// <summary>
/// The seed library's LeNet for 28×28 single-channel images, with its parameter names so PyTorch
/// state dicts load by name: conv1 = Conv2d(1,6,5,padding 2), conv2 = Conv2d(6,16,5), fc1 400→120,
/// fc2 120→84, fc3 84→classes; ReLU and 2×2 max-pooling after each convolution.
/// </summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv1;
    private readonly TorchSharp.Modules.Conv2d conv2;
    private readonly TorchSharp.Modules.Linear fc1;
    private readonly TorchSharp.Modules.Linear fc2;
    private readonly TorchSharp.Modules.Linear fc3;

    public LeNet(int inputChannels = 1, int numClasses = 10) : base(nameof(LeNet))
    {
        conv1 = Conv2d(inputChannels, 6, 5, padding: 2);
        conv2 = Conv2d(6, 16, 5);
        fc1 = Linear(16 * 5 * 5, 120);
        fc2 = Linear(120, 84);
        fc3 = Linear(84, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = functional.max_pool2d(functional.relu(conv1.call(x)), 2);
        x = functional.max_pool2d(functional.relu(conv2.call(x)), 2);
        x = x.reshape(x.shape[0], -1);
        x = functional.relu(fc1.call(x));
        x = functional.relu(fc2.call(x));
        return fc3.call(x).MoveToOuterDisposeScope();
    }
}
