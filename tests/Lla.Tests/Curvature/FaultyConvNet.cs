using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Tests.Curvature;

/// <summary>
/// A small BatchNorm CNN (conv 3×3 padding 1 → BatchNorm → ReLU → average pool → linear) whose first
/// convolution's weight gradient can be made wrong on chosen forward calls, as the known oneDNN fault is:
/// the forward pass stays exact, the gradient reaching <c>conv1.weight</c> is scaled (~0.3 relative) or NaN.
/// </summary>
internal sealed class FaultyConvNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Linear fc;
    private int _calls;

    /// <summary>Given the forward call's number (from 0), the factor on conv1's weight gradient: 1 exact, NaN for NaN.</summary>
    public Func<int, double>? Fault { get; set; }

    public int Calls => _calls;

    public FaultyConvNet(int channels = 6) : base(nameof(FaultyConvNet))
    {
        conv1 = nn.Conv2d(1, channels, 3, padding: 1);
        bn1 = nn.BatchNorm2d(channels);
        fc = nn.Linear(channels * 7 * 7, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        double factor = Fault?.Invoke(_calls) ?? 1;
        _calls++;
        Tensor w = conv1.weight!;
        if (double.IsNaN(factor))
        {
            // where() picks w in the forward pass; its backward sends 0 × NaN = NaN into w's gradient.
            using var never = zeros_like(w, dtype: ScalarType.Bool);
            w = where(never, w.mul(double.NaN), w);
        }
        else if (factor != 1)
        {
            // Exactly w in the forward pass (w − w.detach() is 0); the gradient reaching w is multiplied by the factor.
            w = w.detach().add(w.sub(w.detach()).mul(factor));
        }
        var y = nn.functional.conv2d(x, w, conv1.bias, padding: new long[] { 1, 1 });
        y = nn.functional.relu(bn1.forward(y));
        y = nn.functional.avg_pool2d(y, 4);
        return fc.forward(y.flatten(1));
    }

    /// <summary>The same network in float64 with the same weights and modes, without the fault.</summary>
    public FaultyConvNet Float64Twin()
    {
        var twin = new FaultyConvNet((int)conv1.weight!.shape[0]);
        twin.load_state_dict(state_dict());
        twin.to(ScalarType.Float64);
        twin.train(training);
        foreach (var ((_, mine), (_, theirs)) in named_modules().Zip(twin.named_modules())) theirs.train(mine.training);
        return twin;
    }
}
