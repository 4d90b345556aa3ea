using Lla.Data;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The Fisher-Rao norm (Liang et al. 2019, as in Jiang et al. 2020): (L + 1)²·mean_i ⟨θ, ∇_θ ℓ_i⟩², with
/// ℓ_i the cross-entropy of sample i on its label and L the number of convolution and linear layers.
/// ⟨θ, ∇ℓ_i⟩ = J_i θ, the directional derivative of every sample's loss along θ at once, by the
/// double-vjp trick: r(a) = Jᵀa for a dummy a ∈ ℝ^B (one backward with create_graph), then
/// Jθ = ∂(r(a)·θ)/∂a (a second backward) — exact, two backward passes per batch. Eval mode (restored).
/// </summary>
public static class FisherRao
{
    public static (double Value, long ForwardPasses, long BackwardPasses) Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches)
    {
        int layers = BatchNormFolding.WeightLayers(model).Count;
        var parameters = ParameterSet.Of(model);
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        using var mode = new EvalModeScope(model);
        double sumSquares = 0;
        long samples = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var derivatives = DirectionalDerivatives(model, inputs, batch);
            sumSquares += derivatives.square().sum().ToDouble();
            samples += batch.Count;
        }
        return ((layers + 1) * (layers + 1) * sumSquares / samples, batches.Count, 2L * batches.Count);
    }

    /// <summary>⟨θ, ∇_θ ℓ_i⟩ for every sample i of the batch.</summary>
    public static Tensor DirectionalDerivatives(nn.Module<Tensor, Tensor> model, Tensor[] parameters, Batch batch)
    {
        using var grad = enable_grad();
        if (batch.Targets.dtype != ScalarType.Int64) throw new LlaException("the Fisher-Rao norm needs class-index labels (int64)");
        var z = model.call(batch.Inputs);
        if (z.dim() != 2) throw new LlaException("the Fisher-Rao norm needs outputs [batch, classes]");
        var losses = nn.functional.cross_entropy(z, batch.Targets, reduction: nn.Reduction.None);
        var a = zeros(batch.Count, dtype: losses.dtype, device: losses.device).requires_grad_(true);
        var r = autograd.grad(new[] { losses.mul(a).sum() }, parameters, create_graph: true, retain_graph: true, allow_unused: true);
        Tensor? dot = null;
        for (int j = 0; j < r.Count; j++)
        {
            if (r[j] is null || r[j].IsInvalid || r[j].Handle == IntPtr.Zero) continue;
            var term = r[j].mul(parameters[j].detach()).sum();
            dot = dot is null ? term : dot + term;
        }
        if (dot is null) return zeros(batch.Count, dtype: ScalarType.Float64);
        var jv = autograd.grad(new[] { dot }, new[] { a }, allow_unused: true)[0];
        if (jv is null || jv.IsInvalid || jv.Handle == IntPtr.Zero) return zeros(batch.Count, dtype: ScalarType.Float64);
        return jv.detach().to(ScalarType.Float64);
    }
}
