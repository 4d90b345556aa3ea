using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>
/// Multi-head causal self-attention written with plain operations that all have a double backward
/// (matmul, masked_fill with a causal mask, softmax), not a fused attention kernel, so Hessian-vector
/// products through it are exact. Parameters: c_attn (queries, keys and values, width → 3·width) and c_proj.
/// </summary>
public sealed class CausalSelfAttention : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear c_attn;
    private readonly TorchSharp.Modules.Linear c_proj;
    // nanoGPT's names; registered only with dropout (no parameters: state dicts are the same either way).
    private readonly TorchSharp.Modules.Dropout? attn_dropout;
    private readonly TorchSharp.Modules.Dropout? resid_dropout;
    private readonly int _heads;
    private readonly int _width;

    public CausalSelfAttention(GptConfig config) : base(nameof(CausalSelfAttention))
    {
        _heads = config.Heads;
        _width = config.Width;
        c_attn = Linear(config.Width, 3L * config.Width, hasBias: config.Bias);
        c_proj = Linear(config.Width, config.Width, hasBias: config.Bias);
        register_module("c_attn", c_attn);
        register_module("c_proj", c_proj);
        if (config.Dropout > 0)
        {
            attn_dropout = Dropout(config.Dropout);
            resid_dropout = Dropout(config.Dropout);
            register_module("attn_dropout", attn_dropout);
            register_module("resid_dropout", resid_dropout);
        }
    }

    /// <summary>The query, key and value projection.</summary>
    internal TorchSharp.Modules.Linear Attention => c_attn;

    /// <summary>The output projection, whose initialization nanoGPT scales by 1/√(2·layers).</summary>
    internal TorchSharp.Modules.Linear Projection => c_proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], t = x.shape[1], headWidth = _width / _heads;
        var qkv = c_attn.forward(x).split(_width, dim: 2);
        // [N, T, W] → [N, H, T, W/H]
        var q = qkv[0].view(n, t, _heads, headWidth).transpose(1, 2);
        var k = qkv[1].view(n, t, _heads, headWidth).transpose(1, 2);
        var v = qkv[2].view(n, t, _heads, headWidth).transpose(1, 2);
        var scores = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.Sqrt(headWidth));
        var future = ones(t, t, dtype: ScalarType.Bool, device: x.device).triu(1);
        var weights = scores.masked_fill(future, double.NegativeInfinity).softmax(-1);
        if (attn_dropout is not null) weights = attn_dropout.forward(weights);
        var y = weights.matmul(v).transpose(1, 2).contiguous().view(n, t, _width);
        var output = c_proj.forward(y);
        return (resid_dropout is null ? output : resid_dropout.forward(output)).MoveToOuterDisposeScope();
    }
}
