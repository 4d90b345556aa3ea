using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The generalized Gauss-Newton matrix G = mean_i J_iᵀ H_ℓ,i J_i (batch-size weighted over
/// several batches, like <see cref="HessianOperator"/>), with H_ℓ,i = ∂²ℓ/∂z² of sample i's loss
/// at its outputs z_i in closed form:
/// cross-entropy on logits, diag(p) − ppᵀ with p = softmax(z); NLL on log-probabilities, the same
/// with p = exp(z) (NLL is linear in z, so its literal second derivative is 0: this is the Fisher
/// choice, and Jᵀdiag(p)J = Jᵀ(diag(p) − ppᵀ)J there because Σ_k p_k ∂z_k/∂θ = 0); MSE averaged
/// over the C outputs of a sample, (2/C)·I; next-token cross-entropy on logits [B, T, V], per predicted
/// position (diag(p) − ppᵀ)/n with p the softmax over the vocabulary at that position and n the batch's
/// predicted positions (padding targets give 0): the mean over positions, as the loss (only the labels' mask is read).
/// For cross-entropy, NLL and next-token G is the Fisher information (E_{y~p} of the score outer product).
/// G is positive semi-definite. Cost of a product: one forward pass and three backward-type passes per batch,
/// close to an HVP; its memory beyond the model's is a few tensors of the outputs' size (B·T·V for next-token), never V².
/// Cross-entropy and NLL need outputs of shape [B, classes].
/// </summary>
public sealed class GgnOperator : OutputCurvatureOperator
{
    public OutputLoss Loss { get; }

    public GgnOperator(Objective objective, ParameterSet parameters, IProcessGroup? group = null)
        : base(objective, parameters, group, "generalized Gauss-Newton operator")
    {
        Loss = OutputLosses.Identify(objective, "generalized Gauss-Newton operator");
    }

    protected override Tensor OutputProduct(Tensor outputs, Tensor targets, Tensor u)
    {
        long b = outputs.shape[0];
        return Loss switch
        {
            OutputLoss.CrossEntropy => SoftmaxProduct(outputs.softmax(1), u, b),
            OutputLoss.NegativeLogLikelihood => SoftmaxProduct(outputs.exp(), u, b),
            OutputLoss.MeanSquaredError => u.mul(2.0 / (outputs.numel() / Math.Max(1, b) * b)),
            OutputLoss.NextTokenCrossEntropy => NextTokenProduct(outputs, targets, u),
        };
    }

    /// <summary>
    /// Per predicted position (diag(p) − ppᵀ)u / n = (p ⊙ u − p (p·u)) / n over the vocabulary (the last
    /// dimension), 0 at padding; logits and u [B, T, V], targets [B, T].
    /// </summary>
    private static Tensor NextTokenProduct(Tensor logits, Tensor targets, Tensor u)
    {
        if (logits.dim() != 3 || targets.dim() != 2 || logits.shape[0] != targets.shape[0] || logits.shape[1] != targets.shape[1])
            throw new LlaException($"the generalized Gauss-Newton operator with the next-token loss needs logits [batch, positions, vocabulary] and targets [batch, positions], got [{string.Join(",", logits.shape)}] and [{string.Join(",", targets.shape)}]");
        var (mask, n) = OutputLosses.PredictedPositions(targets, logits.dtype);
        if (n == 0) return zeros_like(u); // no predicted position: the batch's loss is not defined (NaN) and adds no curvature
        var p = logits.softmax(-1);
        var pu = p.mul(u);
        return pu.sub_(p.mul(pu.sum(-1, keepdim: true))).mul_(mask).div_(n);
    }

    /// <summary>(diag(p) − ppᵀ)u = p ⊙ u − p (p·u), per row, over the batch of <paramref name="b"/>.</summary>
    private Tensor SoftmaxProduct(Tensor p, Tensor u, long b)
    {
        if (p.dim() != 2)
            throw new LlaException($"the generalized Gauss-Newton operator with {Loss} needs model outputs of shape [batch, classes], got [{string.Join(",", p.shape)}]");
        var pu = p.mul(u);
        return pu.sub(p.mul(pu.sum(1, keepdim: true))).div_(b);
    }
}
