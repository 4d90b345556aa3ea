using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>
/// A GPT with nanoGPT's architecture: token ids [N, T] → next-token logits [N, T, V]. The language-model
/// head is the token embedding (tied, one parameter: transformer.wte.weight; nanoGPT's lm_head.weight is
/// that same tensor and is not a second entry here). Dropout as its config says (0 by default). Ids may come as a floating tensor
/// holding whole numbers (the commands convert batches to the analysis dtype): they are turned back into integers.
/// </summary>
public sealed class GptModel : Module<Tensor, Tensor>
{
    private readonly GptTransformer transformer;

    public GptModel(GptConfig config) : base(nameof(GptModel))
    {
        Config = config;
        transformer = new GptTransformer(config);
        register_module("transformer", transformer);
        Initialize();
    }

    public GptConfig Config { get; }

    public override Tensor forward(Tensor ids)
    {
        if (ids.dim() != 2)
            throw new LlaException($"a GPT takes token ids [batch, positions]; got a tensor of shape [{string.Join(", ", ids.shape)}]");
        if (ids.shape[1] > Config.Context)
            throw new LlaException($"a GPT of context {Config.Context} got windows of {ids.shape[1]} tokens (use a longer context in {{model}} or shorter windows)");
        using var scope = NewDisposeScope();
        var tokens = ids.dtype == ScalarType.Int64 ? ids : ids.to(ScalarType.Int64);
        var hidden = transformer.forward(tokens);
        return functional.linear(hidden, transformer.Tokens.weight!).MoveToOuterDisposeScope();
    }

    /// <summary>nanoGPT's initialization: weights and embeddings N(0, 0.02²), the two output projections of each block N(0, (0.02/√(2L))²), biases 0, LayerNorms 1 and 0.</summary>
    private void Initialize()
    {
        using var _ = no_grad();
        double projection = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        init.normal_(transformer.Tokens.weight!, 0, 0.02);
        init.normal_(transformer.Positions.weight!, 0, 0.02);
        foreach (var block in transformer.Blocks)
        {
            foreach (var (linear, std) in new[] { (block.Attention.Attention, 0.02), (block.Attention.Projection, projection), (block.Mlp.Expand, 0.02), (block.Mlp.Projection, projection) })
            {
                init.normal_(linear.weight!, 0, std);
                if (linear.bias is { } bias) init.zeros_(bias);
            }
        }
    }
}
