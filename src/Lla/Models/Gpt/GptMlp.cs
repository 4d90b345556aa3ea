using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>A block's MLP: c_fc (width → 4·width), GELU (exact or tanh), c_proj (4·width → width).</summary>
public sealed class GptMlp : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear c_fc;
    private readonly TorchSharp.Modules.Linear c_proj;
    private readonly TorchSharp.Modules.Dropout? dropout; // with dropout only (nanoGPT's name)
    private readonly GeluKind _gelu;

    public GptMlp(GptConfig config) : base(nameof(GptMlp))
    {
        _gelu = config.Gelu;
        c_fc = Linear(config.Width, 4L * config.Width, hasBias: config.Bias);
        c_proj = Linear(4L * config.Width, config.Width, hasBias: config.Bias);
        register_module("c_fc", c_fc);
        register_module("c_proj", c_proj);
        if (config.Dropout > 0)
        {
            dropout = Dropout(config.Dropout);
            register_module("dropout", dropout);
        }
    }

    /// <summary>The expansion to 4·width.</summary>
    internal TorchSharp.Modules.Linear Expand => c_fc;

    /// <summary>The output projection, whose initialization nanoGPT scales by 1/√(2·layers).</summary>
    internal TorchSharp.Modules.Linear Projection => c_proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = c_fc.forward(x);
        h = Gelu(h, _gelu);
        var output = c_proj.forward(h);
        return (dropout is null ? output : dropout.forward(output)).MoveToOuterDisposeScope();
    }

    /// <summary>GELU: exact, x·Φ(x); tanh, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) written out (both have a double backward).</summary>
    public static Tensor Gelu(Tensor x, GeluKind kind) => kind switch
    {
        GeluKind.Exact => functional.gelu(x),
        GeluKind.Tanh => x.mul(0.5).mul(x.pow(3).mul(0.044715).add(x).mul(Math.Sqrt(2.0 / Math.PI)).tanh().add(1.0)),
    };
}
