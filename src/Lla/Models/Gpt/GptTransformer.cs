using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>
/// nanoGPT's "transformer": token embedding wte, learned position embedding wpe, the blocks h.0 … h.(L−1)
/// and the final LayerNorm ln_f. Token ids [N, T] → hidden states [N, T, W].
/// </summary>
public sealed class GptTransformer : Module<Tensor, Tensor>
{
    // Fields are named as registered: Module.to(dtype) re-registers a module's fields by their names.
    private readonly TorchSharp.Modules.Embedding wte;
    private readonly TorchSharp.Modules.Embedding wpe;
    private readonly TorchSharp.Modules.ModuleList<GptBlock> h;
    private readonly GptLayerNorm ln_f;
    private readonly TorchSharp.Modules.Dropout? drop; // with dropout only (nanoGPT's name)

    public GptTransformer(GptConfig config) : base(nameof(GptTransformer))
    {
        wte = Embedding(config.Vocabulary, config.Width);
        wpe = Embedding(config.Context, config.Width);
        h = new TorchSharp.Modules.ModuleList<GptBlock>(Enumerable.Range(0, config.Layers).Select(_ => new GptBlock(config)).ToArray());
        ln_f = new GptLayerNorm(config.Width, config.Bias);
        register_module("wte", wte);
        register_module("wpe", wpe);
        register_module("h", h);
        register_module("ln_f", ln_f);
        if (config.Dropout > 0)
        {
            drop = Dropout(config.Dropout);
            register_module("drop", drop);
        }
    }

    /// <summary>The token embedding, whose weight is also the language-model head.</summary>
    internal TorchSharp.Modules.Embedding Tokens => wte;

    internal IEnumerable<GptBlock> Blocks => h;

    internal TorchSharp.Modules.Embedding Positions => wpe;

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var positions = arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device);
        var x = wte.forward(ids).add(wpe.forward(positions));
        if (drop is not null) x = drop.forward(x);
        foreach (var block in h) x = block.forward(x);
        return ln_f.forward(x).MoveToOuterDisposeScope();
    }
}
