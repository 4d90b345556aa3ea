using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>
/// An external change of the gradients between backward and the optimizer step, the kind of
/// "gradient manipulation" the second paper links to mainly-negative Hessian spectra:
/// <list type="bullet">
/// <item>clip-norm V: the whole gradient scaled to norm at most V (torch.nn.utils.clip_grad_norm_);</item>
/// <item>clip-value V: every entry clamped to [−V, V] (clip_grad_value_; a tiny V is sign descent);</item>
/// <item>sign-flip P: every entry's sign flipped with probability P;</item>
/// <item>noise S: Gaussian noise with standard deviation S·‖g‖/√n added to every entry.</item>
/// </list>
/// Random kinds draw from their own seeded generator, so a run repeats exactly.
/// </summary>
public sealed record GradientManipulation(string Kind, double Value)
{
    public static readonly string[] Kinds = { "none", "clip-norm", "clip-value", "sign-flip", "noise" };
    public static readonly GradientManipulation None = new("none", 0);

    public void Validate()
    {
        if (!Kinds.Contains(Kind)) throw new LlaException($"unknown gradient manipulation '{Kind}' (known: {string.Join(", ", Kinds)})");
        if (Kind == "none") return;
        if (!(Value > 0) || !double.IsFinite(Value)) throw new LlaException($"gradient manipulation {Kind} needs a positive value (got {Value})");
        if (Kind == "sign-flip" && Value > 1) throw new LlaException($"sign-flip takes a probability in (0, 1] (got {Value})");
    }

    public override string ToString() => Kind == "none" ? "none" : $"{Kind} {Value:G4}";

    /// <summary>Changes the gradients of <paramref name="parameters"/> in place.</summary>
    public void Apply(IReadOnlyList<Tensor> parameters, Generator generator)
    {
        if (Kind == "none") return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return;
        switch (Kind)
        {
            case "clip-norm":
            {
                double norm = Math.Sqrt(grads.Sum(g => g.square().sum().ToDouble()));
                if (norm > Value) foreach (var g in grads) g.mul_(Value / (norm + 1e-6));
                break;
            }
            case "clip-value":
                foreach (var g in grads) g.clamp_(-Value, Value);
                break;
            case "sign-flip":
                foreach (var g in grads)
                {
                    var flip = rand(g.shape, dtype: g.dtype, generator: generator).lt(Value);
                    g.mul_(where(flip, -1.0, 1.0).to(g.dtype));
                }
                break;
            case "noise":
            {
                long n = grads.Sum(g => g.numel());
                double norm = Math.Sqrt(grads.Sum(g => g.square().sum().ToDouble()));
                double std = Value * norm / Math.Sqrt(n);
                foreach (var g in grads) g.add_(randn(g.shape, dtype: g.dtype, generator: generator).mul_(std));
                break;
            }
        }
    }
}
