using static TorchSharp.torch.nn;

namespace Lla.Tests.Onnx;

/// <summary>
/// tests/fixtures/onnx/make_onnx_fixtures.py's BatchNormCnn written with TorchSharp's own layers and
/// PyTorch's names: the reference for the ONNX BatchNormalization node's train and eval behaviour.
/// </summary>
internal sealed class BatchNormCnnTwin : Module<Tensor, Tensor>
{
    private sealed class Block : Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv1 = Conv2d(4, 4, 3, padding: 1, bias: false);
        private readonly TorchSharp.Modules.BatchNorm2d bn1 = BatchNorm2d(4);
        private readonly TorchSharp.Modules.Conv2d conv2 = Conv2d(4, 4, 3, padding: 1, bias: false);
        private readonly TorchSharp.Modules.BatchNorm2d bn2 = BatchNorm2d(4);

        public Block() : base("block") => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            var y = functional.relu(bn1.forward(conv1.forward(x)));
            return functional.relu(x + bn2.forward(conv2.forward(y)));
        }
    }

    private readonly TorchSharp.Modules.Conv2d stem = Conv2d(1, 4, 3, stride: 2, padding: 1, bias: false);
    private readonly TorchSharp.Modules.BatchNorm2d bn = BatchNorm2d(4);
    private readonly Block block = new();
    private readonly TorchSharp.Modules.Linear head = Linear(4, 10);

    public BatchNormCnnTwin() : base("twin") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = functional.relu(bn.forward(stem.forward(x)));
        x = block.forward(x);
        x = functional.avg_pool2d(x, 2);
        return head.forward(x.mean(new long[] { 2, 3 }));
    }

    /// <summary>A twin holding the ONNX module's values, copied by name (so the names must match PyTorch's).</summary>
    public static BatchNormCnnTwin Of(Module source)
    {
        var twin = new BatchNormCnnTwin();
        var values = source.state_dict();
        using var _ = no_grad();
        foreach (var (name, target) in twin.state_dict())
        {
            if (name.EndsWith("num_batches_tracked")) continue;
            Assert.True(values.ContainsKey(name), $"the ONNX module has no {name}");
            target.copy_(values[name]);
        }
        twin.to(values["stem.weight"].dtype);
        return twin;
    }
}
