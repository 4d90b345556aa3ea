using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>Clipping of the whole gradient by its global norm, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> (nanoGPT's <c>grad_clip</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// The global 2-norm N of the gradients of <paramref name="parameters"/> (those that have one); when
    /// c = max/(N + 10⁻⁶) is below 1 every gradient is multiplied by c, in place (PyTorch's rule: the norm
    /// after is max·N/(N + 10⁻⁶), max to within 10⁻⁶ relative). Returns N, the norm before clipping.
    /// </summary>
    public static double ClipByGlobalNorm(IReadOnlyList<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm)) throw new LlaException($"{{clip-grad-norm}} must be a positive number (got {maxNorm})");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0;
        // PyTorch: the norm of the per-tensor norms, in the gradients' type.
        var total = linalg.vector_norm(stack(grads.Select(g => linalg.vector_norm(g, 2)).ToArray()), 2);
        // max/(N + 1e-6) as PyTorch computes it (a number over a tensor is the tensor's reciprocal times the number), at most 1.
        var coefficient = total.add(1e-6).reciprocal().mul(maxNorm).clamp_max(1.0);
        foreach (var g in grads) g.mul_(coefficient);
        double norm = total.ToDouble();
        return norm;
    }
}
