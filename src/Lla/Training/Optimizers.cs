using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>A first-order optimizer over named parameters whose state can be saved and used later (Adam moments as landscape axes).</summary>
public interface IOptimizer
{
    string Name { get; }
    /// <summary>The learning rate of the next <see cref="Step"/> (a schedule sets it before every step, as PyTorch's param_groups' lr).</summary>
    double LearningRate { get; set; }
    void Step();
    void ZeroGrad();
    /// <summary>The state tensors by name ("exp_avg.conv1.weight", …) for saving.</summary>
    IEnumerable<KeyValuePair<string, Tensor>> State();

    /// <summary>Takes back a state written by <see cref="State"/> (entries without the "optimizer." prefix), exactly.</summary>
    void Restore(IReadOnlyDictionary<string, Tensor> state);
}

/// <summary>
/// Adam's state, shared by <see cref="Adam"/> and <see cref="AdamW"/>: the named parameters, the first and second moments
/// and the step count, saved and restored under PyTorch's names (exp_avg, exp_avg_sq, step), which Adam planes read.
/// </summary>
internal sealed class AdamMoments
{
    public (string Name, Tensor P)[] Parameters { get; }
    public Tensor[] M { get; }
    public Tensor[] V { get; }
    private long _step;

    public AdamMoments(IEnumerable<(string Name, Tensor P)> parameters)
    {
        Parameters = parameters.ToArray();
        M = Parameters.Select(p => zeros_like(p.P).DetachFromDisposeScope()).ToArray();
        V = Parameters.Select(p => zeros_like(p.P).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Counts one more step and returns its number t (1 for the first), for the bias corrections.</summary>
    public long Advance() => ++_step;

    public void ZeroGrad()
    {
        foreach (var (_, p) in Parameters) p.grad?.zero_();
    }

    public IEnumerable<KeyValuePair<string, Tensor>> State()
    {
        for (int i = 0; i < Parameters.Length; i++)
        {
            yield return new($"exp_avg.{Parameters[i].Name}", M[i]);
            yield return new($"exp_avg_sq.{Parameters[i].Name}", V[i]);
        }
        yield return new("step", tensor(_step));
    }

    public void Restore(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        for (int i = 0; i < Parameters.Length; i++)
        {
            M[i].copy_(Entry(state, $"exp_avg.{Parameters[i].Name}"));
            V[i].copy_(Entry(state, $"exp_avg_sq.{Parameters[i].Name}"));
        }
        _step = Entry(state, "step").ToInt64();
    }

    internal static Tensor Entry(IReadOnlyDictionary<string, Tensor> state, string name) =>
        state.TryGetValue(name, out var t) ? t : throw new LlaException($"the checkpoint's optimizer state has no {name}: it was not written by this optimizer");
}

/// <summary>Adam as in PyTorch (bias-corrected moments; L2 weight decay added to the gradient).</summary>
public sealed class Adam : IOptimizer
{
    private readonly AdamMoments _moments;
    private readonly double _beta1, _beta2, _eps, _weightDecay;
    private double _lr;

    public Adam(IEnumerable<(string Name, Tensor P)> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
    {
        _moments = new AdamMoments(parameters);
        (_lr, _beta1, _beta2, _eps, _weightDecay) = (lr, beta1, beta2, eps, weightDecay);
    }

    public string Name => "adam";
    public double LearningRate { get => _lr; set => _lr = value; }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long t = _moments.Advance();
        double c1 = 1 - Math.Pow(_beta1, t), c2 = 1 - Math.Pow(_beta2, t);
        for (int i = 0; i < _moments.Parameters.Length; i++)
        {
            var (_, p) = _moments.Parameters[i];
            var g = p.grad;
            if (g is null) continue;
            if (_weightDecay != 0) g = g.add(p, alpha: _weightDecay);
            _moments.M[i].mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _moments.V[i].mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            var denominator = _moments.V[i].div(c2).sqrt_().add_(_eps);
            p.addcdiv_(_moments.M[i], denominator, value: -_lr / c1);
        }
    }

    public void ZeroGrad() => _moments.ZeroGrad();
    public IEnumerable<KeyValuePair<string, Tensor>> State() => _moments.State();
    public void Restore(IReadOnlyDictionary<string, Tensor> state) => _moments.Restore(state);
}

/// <summary>
/// AdamW as PyTorch's <c>torch.optim.AdamW</c> (single-tensor path, no amsgrad): decoupled weight decay
/// p ← p·(1 − lr·wd) first, then Adam's bias-corrected step p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// Weight decay reaches only parameters of two or more dimensions (weights, embeddings), never biases or
/// normalization scales and shifts: nanoGPT's two parameter groups (<see cref="Decays"/>). Its state has
/// Adam's names (exp_avg, exp_avg_sq, step), so Adam planes read it.
/// </summary>
public sealed class AdamW : IOptimizer
{
    private readonly AdamMoments _moments;
    private readonly double _beta1, _beta2, _eps, _weightDecay;

    public AdamW(IEnumerable<(string Name, Tensor P)> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
    {
        _moments = new AdamMoments(parameters);
        (LearningRate, _beta1, _beta2, _eps, _weightDecay) = (lr, beta1, beta2, eps, weightDecay);
    }

    public string Name => "adamw";
    public double LearningRate { get; set; }

    /// <summary>Whether weight decay reaches a parameter: nanoGPT's rule, two or more dimensions (matrices, embeddings; not biases, LayerNorm scales or shifts).</summary>
    public static bool Decays(Tensor parameter) => parameter.dim() >= 2;

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long t = _moments.Advance();
        double lr = LearningRate;
        double c1 = 1 - Math.Pow(_beta1, t), c2Sqrt = Math.Sqrt(1 - Math.Pow(_beta2, t));
        for (int i = 0; i < _moments.Parameters.Length; i++)
        {
            var (_, p) = _moments.Parameters[i];
            var g = p.grad;
            if (g is null) continue;
            if (_weightDecay != 0 && Decays(p)) p.mul_(1 - lr * _weightDecay);
            _moments.M[i].mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _moments.V[i].mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            var denominator = _moments.V[i].sqrt().div_(c2Sqrt).add_(_eps);
            p.addcdiv_(_moments.M[i], denominator, value: -(lr / c1));
        }
    }

    public void ZeroGrad() => _moments.ZeroGrad();
    public IEnumerable<KeyValuePair<string, Tensor>> State() => _moments.State();
    public void Restore(IReadOnlyDictionary<string, Tensor> state) => _moments.Restore(state);
}

/// <summary>SGD with optional momentum and L2 weight decay, as in PyTorch.</summary>
public sealed class Sgd : IOptimizer
{
    private readonly (string Name, Tensor P)[] _parameters;
    private readonly Tensor?[] _buffers;
    private readonly double _momentum, _weightDecay;
    private double _lr;

    public Sgd(IEnumerable<(string Name, Tensor P)> parameters, double lr, double momentum = 0, double weightDecay = 0)
    {
        _parameters = parameters.ToArray();
        _buffers = new Tensor?[_parameters.Length];
        (_lr, _momentum, _weightDecay) = (lr, momentum, weightDecay);
    }

    public string Name => "sgd";
    public double LearningRate { get => _lr; set => _lr = value; }

    public void Step()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var (_, p) = _parameters[i];
            var g = p.grad;
            if (g is null) continue;
            if (_weightDecay != 0) g = g.add(p, alpha: _weightDecay);
            if (_momentum != 0)
            {
                if (_buffers[i] is null) _buffers[i] = g.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(_momentum).add_(g);
                g = _buffers[i]!;
            }
            p.add_(g, alpha: -_lr);
        }
    }

    public void ZeroGrad()
    {
        foreach (var (_, p) in _parameters) p.grad?.zero_();
    }

    public IEnumerable<KeyValuePair<string, Tensor>> State()
    {
        for (int i = 0; i < _parameters.Length; i++)
            if (_buffers[i] is not null) yield return new($"momentum_buffer.{_parameters[i].Name}", _buffers[i]!);
    }

    public void Restore(IReadOnlyDictionary<string, Tensor> state)
    {
        for (int i = 0; i < _parameters.Length; i++)
            _buffers[i] = state.TryGetValue($"momentum_buffer.{_parameters[i].Name}", out var b) ? b.clone().to(_parameters[i].P.dtype).DetachFromDisposeScope() : null;
    }
}
