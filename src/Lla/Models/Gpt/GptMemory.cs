namespace Lla.Models.Gpt;

/// <summary>
/// The memory one Hessian-vector product through a <see cref="GptModel"/> holds for its activations:
/// the forward graph, the gradient's graph built on it (create_graph) and the second backward's
/// temporaries, for a micro-batch of windows (docs/language-models.md, "Memory").
/// </summary>
public static class GptMemory
{
    /// <summary>Values saved per position, per layer and unit of width, by the forward pass (LayerNorms, Q/K/V, attention output, projections, residuals).</summary>
    public const double PerWidth = 20;
    /// <summary>Values per position and layer and unit of width of the MLP's GELU intermediates (4W wide): x·Φ(x) keeps about 3, GPT-2's tanh form written out about 8.</summary>
    public static double GeluPerWidth(GeluKind gelu) => gelu switch { GeluKind.Exact => 4 * 3, GeluKind.Tanh => 4 * 8 };
    /// <summary>Attention maps per head and position pair: scores, scaled, masked, softmax.</summary>
    public const double PerAttention = 4;
    /// <summary>Logit-sized tensors per position: logits, log-softmax.</summary>
    public const double PerLogit = 2;
    /// <summary>The double backward's factor over the forward's saved values (the gradient's graph and the second backward's temporaries), measured (docs/language-models.md).</summary>
    public const double DoubleBackwardFactor = 3;

    /// <summary>
    /// Bytes of activations of one HVP on <paramref name="windows"/> windows of <paramref name="positions"/> tokens:
    /// s · k · B · T · [L · ((20 + g) · W + 4 · H · T) + 2 · V], with s the bytes per value, k the double backward's factor
    /// and g the GELU's intermediates per unit of width.
    /// </summary>
    public static double ActivationBytes(GptConfig config, long windows, long positions, double bytesPerValue)
    {
        double perLayer = (PerWidth + GeluPerWidth(config.Gelu)) * config.Width + PerAttention * config.Heads * positions;
        double perPosition = config.Layers * perLayer + PerLogit * config.Vocabulary;
        return bytesPerValue * DoubleBackwardFactor * windows * positions * perPosition;
    }
}
