using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The Hessian of an <see cref="Objective"/> with respect to a <see cref="ParameterSet"/> (all
/// trainable parameters, or a block of them), applied to vectors by double backward:
/// Hv = ∂/∂θ (∇L(θ)·v). Over several batches it is the batch-size-weighted average of the
/// per-batch products, each batch's graph built and freed in turn so memory stays bounded; with
/// micro-batches (<see cref="Objective.SplitInto"/>) each batch's product is the weighted sum of its parts'.
/// </summary>
public sealed class HessianOperator : ILinearOperator
{
    private readonly Objective _objective;
    private readonly ParameterSet _parameters;
    private readonly IProcessGroup _group;
    private long _count;

    /// <param name="group">
    /// With several processes (MPI ranks) each computes the products of its share of the batches
    /// (batch i on rank i mod size, weighted by the whole objective's sample count) and the shares
    /// are summed across ranks, so every rank gets the same product as one process would
    /// (to floating-point summation order).
    /// </param>
    public HessianOperator(Objective objective, ParameterSet parameters, IProcessGroup? group = null)
    {
        _objective = objective;
        _parameters = parameters;
        _group = group ?? SingleProcess.Instance;
        if (_group.Size > objective.Batches.Count)
            throw new LlaException($"{_group.Size} processes share {objective.Batches.Count} batch(es): every process needs at least one (use more {{batches}} or fewer ranks)");
        foreach (var p in parameters.Parameters)
            if (!p.requires_grad) throw new ArgumentException("every analysed parameter must require gradients");
    }

    public long Dimension => _parameters.Dimension;
    public ScalarType DType => _parameters.DType;
    public Device Device => _parameters.Device;
    public long ApplyCount => _count;
    public ParameterSet Parameters => _parameters;

    public Tensor Apply(Tensor v)
    {
        _parameters.RequireVector(v);
        _count++;
        var result = zeros_like(v);
        var inputs = _parameters.Parameters.Cast<Tensor>().ToArray();
        using var gradMode = enable_grad();
        foreach (var (i, part) in Parts())
        {
            using var scope = NewDisposeScope();
            var loss = _objective.BatchLoss(_objective.Part(i, part));
            var grads = torch.autograd.grad(new[] { loss }, inputs, create_graph: true, retain_graph: true, allow_unused: true);
            var parts = _parameters.Unflatten(v);
            Tensor? gv = null;
            for (int j = 0; j < grads.Count; j++)
            {
                if (IsUndefined(grads[j])) continue;
                var term = grads[j].mul(parts[j]).sum();
                gv = gv is null ? term : gv.add(term);
            }
            if (gv is null) continue;
            var hv = torch.autograd.grad(new[] { gv }, inputs, retain_graph: false, allow_unused: true);
            var flat = _parameters.FlattenLike(hv.Select((h, j) => IsUndefined(h) ? zeros_like(inputs[j]) : h).ToArray());
            result.add_(flat, alpha: _objective.PartWeight(i, part));
        }
        return SumAcrossProcesses(result);
    }

    /// <summary>This process's (batch, part) pairs with a non-zero weight: batch i on rank i mod size, each in its micro-batches.</summary>
    private IEnumerable<(int Batch, int Part)> Parts()
    {
        for (int i = _group.Rank; i < _objective.Batches.Count; i += _group.Size)
            for (int j = 0; j < _objective.PartCount(i); j++)
                if (_objective.PartCount(i) == 1 || _objective.PartWeight(i, j) > 0) yield return (i, j);
    }

    /// <summary>The gradient of the objective at the current parameters, as a flat vector.</summary>
    public Tensor Gradient()
    {
        var result = zeros(Dimension, dtype: DType, device: Device);
        var inputs = _parameters.Parameters.Cast<Tensor>().ToArray();
        using var gradMode = enable_grad();
        foreach (var (i, j) in Parts())
        {
            using var scope = NewDisposeScope();
            var loss = _objective.BatchLoss(_objective.Part(i, j));
            var grads = torch.autograd.grad(new[] { loss }, inputs, allow_unused: true);
            var flat = _parameters.FlattenLike(grads.Select((g, k) => IsUndefined(g) ? zeros_like(inputs[k]) : g).ToArray());
            result.add_(flat, alpha: _objective.PartWeight(i, j));
        }
        return SumAcrossProcesses(result);
    }

    /// <summary>The elementwise sum of every process's partial result (the identity for one process).</summary>
    private Tensor SumAcrossProcesses(Tensor partial) => ProcessSum.Sum(_group, partial);

    private static bool IsUndefined(Tensor? t) => OutputJacobian.IsUndefined(t);
}
