using Lla.Data;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The loss of an objective at θ + δ for perturbations δ of its trainable parameters, counting forward
/// and backward passes. θ is saved on construction and written back, exactly, by <see cref="Dispose"/>.
/// BatchNorm and dropout follow the module's current modes (the caller sets them).
/// </summary>
internal sealed class PerturbedObjective : IDisposable
{
    private readonly Objective _objective;
    public ParameterSet Parameters { get; }
    /// <summary>The unperturbed parameters θ (flat, detached).</summary>
    public Tensor Theta { get; }
    public long ForwardPasses { get; private set; }
    public long BackwardPasses { get; private set; }

    public PerturbedObjective(Objective objective)
    {
        _objective = objective;
        Parameters = ParameterSet.Of(objective.Module);
        Theta = Parameters.Flatten().DetachFromDisposeScope();
    }

    /// <summary>Sets the parameters to θ + δ (δ = null: θ).</summary>
    public void Set(Tensor? delta)
    {
        using var scope = NewDisposeScope();
        Parameters.Assign(delta is null ? Theta : Theta + delta);
    }

    /// <summary>L_B(θ + δ), without autograd, in the objective's micro-batches.</summary>
    public double Loss(Batch batch, Tensor? delta)
    {
        Set(delta);
        using var _ = no_grad();
        ForwardPasses++;
        return Finite(_objective.On(new[] { batch }).BatchLossInParts(0));
    }

    /// <summary>L_B(θ + δ) and its gradient with respect to the parameters (flat).</summary>
    public (double Loss, Tensor Gradient) LossAndGradient(Batch batch, Tensor? delta)
    {
        Set(delta);
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var inputs = Parameters.Parameters.Cast<Tensor>().ToArray();
        // The batch's gradient, summed over its micro-batches (each part's graph freed before the next).
        Tensor? flat = null;
        double loss = _objective.On(new[] { batch }).BatchLossInParts(0, (part, share) =>
        {
            if (!part.requires_grad) throw new LlaException("the loss does not depend on the trainable parameters (no gradient)");
            var grads = autograd.grad(new[] { part }, inputs, allow_unused: true);
            var g = Parameters.FlattenLike(grads.Select((g, j) => g is null || g.IsInvalid || g.Handle == IntPtr.Zero ? zeros_like(inputs[j]) : g).ToArray()).detach() * share;
            var sum = (flat is null ? g : flat + g).MoveToOuterDisposeScope();
            flat?.Dispose();
            flat = sum;
        });
        ForwardPasses++;
        BackwardPasses++;
        return (Finite(loss), (flat ?? zeros_like(Theta)).MoveToOuterDisposeScope());
    }

    private static double Finite(double loss) => double.IsFinite(loss) ? loss
        : throw new LlaException($"the loss is {loss} at a perturbed point: the perturbation radius is too large for this model");

    public void Dispose()
    {
        Parameters.Assign(Theta);
        Theta.Dispose();
    }
}
