using Lla.Data;
using Lla.Curvature;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Curvature;

/// <summary>
/// Brute-force curvature matrices of tiny float64 models for checking the matrix-free operators:
/// per-sample Jacobians J_i (one autograd gradient per output entry), per-sample loss Hessians H_ℓ,i in
/// output space, per-sample gradients g_i (a forward pass on the sample alone) and explicit matrices
/// (one operator product per unit vector).
/// </summary>
internal sealed class CurvatureOracle
{
    public Module<Tensor, Tensor> Model { get; }
    public string LossName { get; }
    public Batch Batch { get; }
    public ParameterSet Parameters { get; }

    /// <summary>
    /// A tanh MLP 5 → 4 → 3 (→ log_softmax for NLL); targets: labels, or 3 floats per sample for MSE.
    /// With <paramref name="batchNorm"/> a train-mode BatchNorm follows fc1, so every sample's outputs
    /// depend on the whole batch (the Jacobians below are then rows of the batch's Jacobian).
    /// </summary>
    public CurvatureOracle(string lossName, int samples = 10, long seed = 11, bool batchNorm = false)
    {
        LossName = lossName;
        torch.manual_seed(seed);
        var layers = new List<(string, Module<Tensor, Tensor>)> { ("fc1", Linear(5, 4)) };
        if (batchNorm) layers.Add(("bn", BatchNorm1d(4)));
        layers.Add(("act", Tanh()));
        layers.Add(("fc2", Linear(4, 3)));
        if (lossName == "nll") layers.Add(("logp", LogSoftmax(1)));
        Model = Sequential(layers);
        Model.to(ScalarType.Float64);
        Model.train(batchNorm);
        var g = new Generator((ulong)seed + 1);
        var inputs = randn(samples, 5, dtype: ScalarType.Float64, generator: g);
        var targets = LossFunctions.TakesLabels(lossName)
            ? randint(0, 3, new long[] { samples }, generator: g)
            : randn(samples, 3, dtype: ScalarType.Float64, generator: g);
        Batch = new Batch(inputs, targets);
        Parameters = ParameterSet.Of(Model);
    }

    public Objective Objective() => new(Model, LossFunctions.ByName(LossName), new[] { Batch });

    /// <summary>Splits the batch into consecutive batches of at most <paramref name="size"/> samples.</summary>
    public Objective SplitObjective(int size)
    {
        var parts = new List<Batch>();
        for (long s = 0; s < Batch.Count; s += size)
        {
            long n = Math.Min(size, Batch.Count - s);
            parts.Add(new Batch(Batch.Inputs.narrow(0, s, n), Batch.Targets.narrow(0, s, n)));
        }
        return new Objective(Model, LossFunctions.ByName(LossName), parts);
    }

    public static Tensor Materialize(ILinearOperator op)
    {
        long n = op.Dimension;
        var columns = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            var e = zeros(n, dtype: op.DType);
            e[i] = 1.0;
            columns[i] = op.Apply(e);
        }
        return stack(columns, 1);
    }

    /// <summary>J_i, [outputs per sample, parameters], for every sample.</summary>
    public Tensor[] Jacobians()
    {
        using var _ = enable_grad();
        var inputs = Parameters.Parameters.Cast<Tensor>().ToArray();
        var outputs = Model.forward(Batch.Inputs);
        var result = new Tensor[Batch.Count];
        for (long i = 0; i < Batch.Count; i++)
        {
            var rows = new Tensor[outputs.shape[1]];
            for (long k = 0; k < rows.Length; k++)
            {
                var grads = torch.autograd.grad(new[] { outputs[i, k] }, inputs, retain_graph: true);
                rows[k] = Parameters.FlattenLike(grads.ToArray()).detach();
            }
            result[i] = stack(rows);
        }
        return result;
    }

    /// <summary>
    /// H_ℓ,i = ∂²ℓ_i/∂z_i²: by double backward of the loss of the single sample for cross-entropy and
    /// MSE; for NLL the Fisher choice diag(p) − ppᵀ with p = exp(z) (its literal second derivative is 0).
    /// </summary>
    public Tensor[] OutputHessians()
    {
        Tensor outputs;
        using (no_grad()) outputs = Model.forward(Batch.Inputs);
        var loss = LossFunctions.ByName(LossName);
        var result = new Tensor[Batch.Count];
        for (long i = 0; i < Batch.Count; i++)
        {
            if (LossName == "nll")
            {
                var p = outputs[i].exp();
                result[i] = diag(p) - outer(p, p);
                continue;
            }
            using var _ = enable_grad();
            var z = outputs[i].unsqueeze(0).detach().requires_grad_(true);
            var l = loss(z, Batch.Targets.narrow(0, i, 1));
            var grad = torch.autograd.grad(new[] { l }, new[] { z }, create_graph: true, retain_graph: true)[0].reshape(-1);
            var rows = new Tensor[grad.shape[0]];
            for (long k = 0; k < rows.Length; k++)
                rows[k] = torch.autograd.grad(new[] { grad[k] }, new[] { z }, retain_graph: true)[0].reshape(-1).detach();
            result[i] = stack(rows);
        }
        return result;
    }

    /// <summary>g_i = ∇_θ ℓ(x_i, y_i), each from a forward pass on sample i alone.</summary>
    public Tensor[] SampleGradients()
    {
        using var _ = enable_grad();
        var inputs = Parameters.Parameters.Cast<Tensor>().ToArray();
        var loss = LossFunctions.ByName(LossName);
        var result = new Tensor[Batch.Count];
        for (long i = 0; i < Batch.Count; i++)
        {
            var l = loss(Model.forward(Batch.Inputs.narrow(0, i, 1)), Batch.Targets.narrow(0, i, 1));
            result[i] = Parameters.FlattenLike(torch.autograd.grad(new[] { l }, inputs).ToArray()).detach();
        }
        return result;
    }

    /// <summary>(1/B) Σ_i J_iᵀ H_ℓ,i J_i.</summary>
    public Tensor Ggn()
    {
        var j = Jacobians();
        var h = OutputHessians();
        var g = zeros(Parameters.Dimension, Parameters.Dimension, dtype: ScalarType.Float64);
        for (int i = 0; i < j.Length; i++) g.add_(j[i].t().mm(h[i]).mm(j[i]));
        return g.div_(j.Length);
    }

    /// <summary>(1/B) Σ_i g_i g_iᵀ.</summary>
    public Tensor EmpiricalFisher()
    {
        var grads = SampleGradients();
        var f = zeros(Parameters.Dimension, Parameters.Dimension, dtype: ScalarType.Float64);
        foreach (var g in grads) f.add_(outer(g, g));
        return f.div_(grads.Length);
    }

    /// <summary>The Hessian, one HVP per unit vector (HVPs match closed forms to rounding: see HessianOperatorTests).</summary>
    public Tensor Hessian() => Materialize(new HessianOperator(Objective(), Parameters));

    public static double RelativeError(Tensor measured, Tensor exact) =>
        (measured - exact).norm().ToDouble() / exact.norm().ToDouble();
}
