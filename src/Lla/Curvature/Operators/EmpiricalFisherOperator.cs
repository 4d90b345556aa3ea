using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The empirical Fisher F = mean_i g_i g_iᵀ with g_i = ∇_θ ℓ(x_i, y_i) = J_iᵀ s_i the gradient of
/// sample i's loss, s_i = ∂ℓ_i/∂z_i (batch-size weighted over several batches). Matrix-free: the
/// GGN recipe with H_ℓ,i replaced by s_i s_iᵀ. s_i comes from autograd on the batch-mean loss with
/// respect to the outputs (which gives s_i/B, rescaled), so any <see cref="LossFunction"/> that is a
/// mean of per-sample losses works (all of <see cref="LossFunctions"/> are). Positive semi-definite,
/// of rank at most the number of samples.
/// For the next-token loss a "sample" is a predicted position: F = (1/n) Σ_(i,t) g_i,t g_i,tᵀ over the n
/// predicted positions of the batch (padding left out), g_i,t = ∇_θ ℓ(z_i,t, y_i,t) = J_i,tᵀ s_i,t the gradient of
/// that position's cross-entropy, the same 1/n as the loss and the GGN; the per-position rows of the
/// logits [B, T, V] are then the vocabulary vectors, and autograd on the loss gives s_i,t/n (rescaled by n).
/// </summary>
public sealed class EmpiricalFisherOperator : OutputCurvatureOperator
{
    private readonly LossFunction _loss;
    private readonly bool _nextToken;

    public EmpiricalFisherOperator(Objective objective, ParameterSet parameters, IProcessGroup? group = null)
        : base(objective, parameters, group, "empirical Fisher operator")
    {
        _loss = objective.Loss!;
        _nextToken = OutputLosses.IsNextToken(_loss);
    }

    protected override Tensor OutputProduct(Tensor outputs, Tensor targets, Tensor u)
    {
        if (_nextToken) return NextTokenProduct(outputs, targets, u);
        long b = outputs.shape[0];
        Tensor scores;
        using (enable_grad())
        {
            var z = outputs.detach().requires_grad_(true);
            var loss = _loss(z, targets);
            // ∂(mean_i ℓ_i)/∂z_i = s_i / B.
            scores = torch.autograd.grad(new[] { loss }, new[] { z })[0].detach().mul(b);
        }
        // s_i s_iᵀ u_i / B, per row.
        var dots = Rows(scores).mul(Rows(u)).sum(1);
        return Rows(scores).mul(dots.unsqueeze(1)).div_(b).reshape(outputs.shape);
    }

    /// <summary>Per predicted position s s·u / n over the vocabulary (the last dimension); logits and u [B, T, V], targets [B, T].</summary>
    private Tensor NextTokenProduct(Tensor logits, Tensor targets, Tensor u)
    {
        // The loss checks the shapes (one line naming them) before any product.
        var (_, n) = OutputLosses.PredictedPositions(targets, logits.dtype);
        if (n == 0) return zeros_like(u); // no predicted position: the batch's loss is not defined (NaN) and adds nothing
        Tensor scores;
        using (enable_grad())
        {
            var z = logits.detach().requires_grad_(true);
            var loss = _loss(z, targets);
            // ∂(mean over predicted positions of ℓ_i,t)/∂z_i,t = s_i,t / n, and 0 at padding.
            scores = torch.autograd.grad(new[] { loss }, new[] { z })[0].detach().mul(n);
        }
        var dots = scores.mul(u).sum(-1, keepdim: true);
        return scores.mul(dots).div_(n);
    }
}
