using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Lla.Models.Gpt;

/// <summary>nanoGPT's LayerNorm: a scale ("weight") and, when the model has biases, a shift ("bias"); ε 1e-5.</summary>
public sealed class GptLayerNorm : Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public GptLayerNorm(int width, bool bias) : base(nameof(GptLayerNorm))
    {
        _shape = new long[] { width };
        register_parameter("weight", new TorchSharp.Modules.Parameter(ones(width)));
        if (bias) register_parameter("bias", new TorchSharp.Modules.Parameter(zeros(width)));
    }

    /// <remarks>The parameters are looked up by name on every call: Module.to(dtype) replaces them.</remarks>
    public override Tensor forward(Tensor x) =>
        functional.layer_norm(x, _shape, get_parameter("weight"), get_parameter("bias"), GptConfig.LayerNormEpsilon);
}
