using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// A curvature operator of the form C v = Σ_b w_b · (1/B_b) Σ_i J_iᵀ M_i J_i v over the batches b
/// of an <see cref="Objective"/> (w_b the batch's share of the samples, B_b its size), where
/// J_i = ∂z_i/∂θ is the Jacobian of sample i's outputs z_i and M_i a symmetric matrix in output
/// space supplied by the subclass (<see cref="OutputProduct"/>). Each product runs one forward pass
/// per batch, J v by the double-vjp trick, M in closed form on the outputs, then Jᵀ(·) by one
/// backward pass. The parameters may be all of the model's or a block (<see cref="ParameterSet"/>):
/// J is then the Jacobian with respect to the block, which gives exactly the block's part of C.
/// With BatchNorm in train mode a sample's outputs depend on the whole batch; J is then the batch's
/// Jacobian and the operator stays symmetric and of the same form.
/// </summary>
public abstract class OutputCurvatureOperator : ILinearOperator
{
    private readonly IProcessGroup _group;
    private readonly Func<Tensor, Tensor> _forward;
    private long _count;

    /// <param name="group">
    /// With several processes each computes the products of its share of the batches (batch i on
    /// rank i mod size, weighted by the whole objective's sample count) and the shares are summed, so
    /// every rank gets the product one process would compute.
    /// </param>
    private protected OutputCurvatureOperator(Objective objective, ParameterSet parameters, IProcessGroup? group, string name)
    {
        if (objective.Forward is null || objective.Loss is null)
            throw new LlaException($"the {name} needs an objective built from a model and a loss function ({LossFunctions.Names}); a custom objective has no separate model outputs");
        Objective = objective;
        Parameters = parameters;
        _forward = objective.Forward;
        _group = group ?? SingleProcess.Instance;
        if (_group.Size > objective.Batches.Count)
            throw new LlaException($"{_group.Size} processes share {objective.Batches.Count} batch(es): every process needs at least one (use more {{batches}} or fewer ranks)");
        foreach (var p in parameters.Parameters)
            if (!p.requires_grad) throw new ArgumentException("every analysed parameter must require gradients");
    }

    public Objective Objective { get; }
    public ParameterSet Parameters { get; }
    public long Dimension => Parameters.Dimension;
    public ScalarType DType => Parameters.DType;
    public Device Device => Parameters.Device;
    public long ApplyCount => _count;

    /// <summary>
    /// M_i u_i / B for every sample of one batch: <paramref name="outputs"/> (detached), the targets
    /// and u = J v all have the batch's outputs shape [B, …]; the result has it too and includes the
    /// factor 1/B of the batch mean.
    /// </summary>
    protected abstract Tensor OutputProduct(Tensor outputs, Tensor targets, Tensor u);

    public Tensor Apply(Tensor v)
    {
        Parameters.RequireVector(v);
        _count++;
        var result = zeros_like(v);
        var inputs = Parameters.Parameters.Cast<Tensor>().ToArray();
        using var gradMode = enable_grad();
        for (int i = _group.Rank; i < Objective.Batches.Count; i += _group.Size)
        for (int j = 0; j < Objective.PartCount(i); j++)
        {
            // A micro-batch's product is its own mean (1/n of its predicted positions or samples) times its share of the batch.
            if (Objective.PartCount(i) > 1 && Objective.PartWeight(i, j) == 0) continue;
            using var scope = NewDisposeScope();
            var batch = Objective.Part(i, j);
            var outputs = _forward(batch.Inputs);
            if (!outputs.requires_grad) continue; // no analysed parameter reaches the outputs
            var u = OutputJacobian.Product(outputs, inputs, Parameters.Unflatten(v));
            Tensor m;
            using (no_grad()) m = OutputProduct(outputs.detach(), batch.Targets, u);
            var parts = OutputJacobian.TransposeProduct(outputs, inputs, m);
            result.add_(Parameters.FlattenLike(parts), alpha: Objective.PartWeight(i, j));
        }
        return ProcessSum.Sum(_group, result);
    }

    /// <summary>Per-sample rows: a [B, …] tensor seen as [B, C] with C the outputs per sample.</summary>
    private protected static Tensor Rows(Tensor t) => t.reshape(t.shape[0], -1);
}
