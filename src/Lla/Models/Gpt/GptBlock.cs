using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>A pre-LayerNorm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class GptBlock : Module<Tensor, Tensor>
{
    private readonly GptLayerNorm ln_1;
    private readonly GptLayerNorm ln_2;
    private readonly CausalSelfAttention attn;
    private readonly GptMlp mlp;

    public GptBlock(GptConfig config) : base(nameof(GptBlock))
    {
        ln_1 = new GptLayerNorm(config.Width, config.Bias);
        attn = new CausalSelfAttention(config);
        ln_2 = new GptLayerNorm(config.Width, config.Bias);
        mlp = new GptMlp(config);
        register_module("ln_1", ln_1);
        register_module("attn", attn);
        register_module("ln_2", ln_2);
        register_module("mlp", mlp);
    }

    // Fields are named as registered: Module.to(dtype) re-registers a module's fields by their names.
    internal CausalSelfAttention Attention => attn;
    internal GptMlp Mlp => mlp;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x.add(Attention.forward(ln_1.forward(x)));
        x = x.add(Mlp.forward(ln_2.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
