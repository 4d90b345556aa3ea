using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// Products with the Jacobian J = ∂z/∂θ of a batch's outputs z (shape [B, …]) with respect to
/// parameter tensors θ, by reverse-mode autograd only.
/// </summary>
internal static class OutputJacobian
{
    /// <summary>
    /// u = J v, shaped like <paramref name="outputs"/>, by the double-vjp trick: with a dummy a
    /// (zeros, requiring grad) r(a) = Jᵀa is one backward pass with create_graph; r is linear in a, so
    /// ∂(r(a)·v)/∂a = J v whatever a is. The outputs' graph is kept for a later <see cref="TransposeProduct"/>.
    /// </summary>
    public static Tensor Product(Tensor outputs, Tensor[] parameters, Tensor[] vectorParts)
    {
        var dummy = zeros_like(outputs).requires_grad_(true);
        var r = torch.autograd.grad(new[] { outputs }, parameters, new[] { dummy }, create_graph: true, retain_graph: true, allow_unused: true);
        Tensor? rv = null;
        for (int j = 0; j < r.Count; j++)
        {
            if (IsUndefined(r[j])) continue;
            var term = r[j].mul(vectorParts[j]).sum();
            rv = rv is null ? term : rv.add(term);
        }
        // No analysed parameter reaches the outputs: J = 0.
        if (rv is null || !rv.requires_grad) return zeros_like(outputs);
        var u = torch.autograd.grad(new[] { rv }, new[] { dummy }, retain_graph: true, allow_unused: true)[0];
        return IsUndefined(u) ? zeros_like(outputs) : u.detach();
    }

    /// <summary>Jᵀm (one backward pass through the outputs' graph, which it frees), one tensor per parameter.</summary>
    public static Tensor[] TransposeProduct(Tensor outputs, Tensor[] parameters, Tensor m)
    {
        var g = torch.autograd.grad(new[] { outputs }, parameters, new[] { m }, retain_graph: false, allow_unused: true);
        return g.Select((t, j) => IsUndefined(t) ? zeros_like(parameters[j]) : t).ToArray();
    }

    public static bool IsUndefined(Tensor? t) => t is null || t.IsInvalid || t.Handle == IntPtr.Zero;
}
