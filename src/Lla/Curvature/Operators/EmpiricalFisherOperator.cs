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
/// </summary>
public sealed class EmpiricalFisherOperator : OutputCurvatureOperator
{
    private readonly LossFunction _loss;

    public EmpiricalFisherOperator(Objective objective, ParameterSet parameters, IProcessGroup? group = null)
        : base(objective, parameters, group, "empirical Fisher operator")
    {
        _loss = objective.Loss!;
    }

    protected override Tensor OutputProduct(Tensor outputs, Tensor targets, Tensor u)
    {
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
}
