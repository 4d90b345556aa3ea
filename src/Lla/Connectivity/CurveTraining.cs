using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>Options of <see cref="CurveTraining.Train"/>.</summary>
public sealed record CurveOptions
{
    /// <summary><see cref="PathMethod.Bezier"/> or <see cref="PathMethod.Chain"/>.</summary>
    public PathMethod Method { get; init; } = PathMethod.Bezier;
    /// <summary>Total number of optimizer steps (one batch and one t each).</summary>
    public int Steps { get; init; } = 1000;
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Heavy-ball momentum μ of SGD: v ← μv + g, θ_C ← θ_C − lr·v.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>L2 weight decay on θ_C (added to its gradient).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Seeds the t draws and the batch order.</summary>
    public long Seed { get; init; }

    public void Validate()
    {
        if (Method == PathMethod.Linear) throw new LlaException("a curve is Bezier or Chain; the linear path has no bend to train");
        if (Steps < 0) throw new LlaException($"curve training needs a non-negative number of steps (got {Steps})");
        if (!(LearningRate > 0)) throw new LlaException($"the curve's learning rate must be positive (got {LearningRate})");
        if (Momentum is < 0 or >= 1) throw new LlaException($"the curve's momentum must be in [0, 1) (got {Momentum})");
    }
}

/// <summary>
/// A trained (or partly trained) curve: its bend θ_C, the SGD velocity, how many steps are done and the training
/// loss of each. Everything training needs to continue exactly where it stopped: the t draws and the batch order
/// are functions of (seed, step), so no generator state is kept. A caller persists it (the tensors by name, the
/// numbers) and passes it back as <c>resume</c>.
/// </summary>
public sealed record CurveState(
    PathMethod Method,
    bool Aligned,
    ModelState Bend,
    IReadOnlyDictionary<string, Tensor> Velocity,
    int Step,
    long Seed,
    IReadOnlyList<double> Losses);

/// <summary>
/// Trains the bend θ_C of a Bezier curve or polygonal chain between fixed ends to minimize E_{t~U(0,1)} L(φ(t))
/// (Garipov et al. 2018), by SGD with momentum: each step draws t uniformly, takes the next training batch (batches
/// visited in a seeded random order per epoch), computes the gradient g of the batch loss at φ(t) by backpropagation
/// through a workspace model holding φ(t), and moves θ_C along BendWeight(t)·g. BatchNorm layers normalize with
/// batch statistics during training (train mode); evaluation handles them as <see cref="PathOptions.BatchNorm"/> says.
/// θ_C starts at the midpoint of the ends; BatchNorm buffers of the bend stay at the midpoint (used only by
/// <see cref="PathBatchNorm.Eval"/>).
/// </summary>
public static class CurveTraining
{
    public static CurveState Train(nn.Module<Tensor, Tensor> workspace, PathEnds ends, IReadOnlyList<Batch> train, LossFunction loss,
        CurveOptions options, CurveState? resume = null, Action<int, int>? progress = null)
    {
        options.Validate();
        if (train.Count == 0) throw new LlaException("curve training needs at least one training batch");
        PathData.RequireInputType(workspace, train, "training");
        using (var w = ModelState.Of(workspace)) ends.A.RequireSameArchitecture(w, "the path's ends", "the workspace model");
        if (resume is not null)
        {
            if (resume.Method != options.Method || resume.Seed != options.Seed)
                throw new LlaException($"the saved curve is a {resume.Method} curve with seed {resume.Seed}; the options ask for {options.Method} with seed {options.Seed}");
            if (resume.Step > options.Steps)
                throw new LlaException($"the saved curve has done {resume.Step} steps, more than the {options.Steps} asked for");
            ends.A.RequireSameArchitecture(resume.Bend, "the path's ends", "the saved bend");
        }

        var parameters = workspace.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var bend = resume is null ? Curve.Midpoint(ends) : resume.Bend.Select((_, v) => v.clone());
        var velocity = parameters.ToDictionary(p => p.name, p => resume is not null && resume.Velocity.TryGetValue(p.name, out var v)
            ? v.clone().DetachFromDisposeScope() : zeros_like(bend[p.name]).DetachFromDisposeScope());
        var losses = new List<double>(resume?.Losses ?? Array.Empty<double>());
        int step = resume?.Step ?? 0;

        using var saved = ModelState.Of(workspace);
        using (new AnalysisMode(workspace, BatchNormMode.Train))
        {
            try
            {
                int[] order = Array.Empty<int>();
                int orderEpoch = -1;
                for (; step < options.Steps; step++)
                {
                    using var scope = NewDisposeScope();
                    double t = StepT(options.Seed, step);
                    int epoch = step / train.Count;
                    if (epoch != orderEpoch) { order = BatchOrder(options.Seed, epoch, train.Count); orderEpoch = epoch; }
                    var batch = train[order[step % train.Count]];

                    using (no_grad())
                        foreach (var (name, p) in parameters)
                            p.copy_(Curve.At(options.Method, ends.A[name], bend[name], ends.B[name], t));
                    foreach (var (_, p) in parameters) p.grad?.zero_();
                    var value = loss(workspace.forward(batch.Inputs), batch.Targets);
                    double v = value.ToDouble();
                    if (!double.IsFinite(v))
                        throw new LlaException($"the curve's training loss became {v} at step {step + 1}: lower the learning rate");
                    value.backward();

                    double weight = Curve.BendWeight(options.Method, t);
                    using (no_grad())
                        foreach (var (name, p) in parameters)
                        {
                            if (p.grad is null) continue;
                            var theta = bend[name];
                            var g = p.grad.mul(weight);
                            if (options.WeightDecay != 0) g.add_(theta, alpha: options.WeightDecay);
                            velocity[name].mul_(options.Momentum).add_(g);
                            theta.add_(velocity[name], alpha: -options.LearningRate);
                        }
                    losses.Add(v);
                    progress?.Invoke(step + 1, options.Steps);
                }
            }
            finally
            {
                foreach (var (_, p) in parameters) p.grad?.zero_();
                saved.LoadInto(workspace);
            }
        }
        return new CurveState(options.Method, ends.Aligned, bend, velocity, step, options.Seed, losses);
    }

    /// <summary>Loss and accuracy along the trained curve (<see cref="PathEvaluator"/>), with the barrier relative to the ends' losses.</summary>
    public static PathResult Evaluate(nn.Module<Tensor, Tensor> workspace, PathEnds ends, CurveState curve, PathData data,
        PathOptions? options = null, Action<int, int>? progress = null)
    {
        using (var w = ModelState.Of(workspace)) ends.A.RequireSameArchitecture(w, "the path's ends", "the workspace model");
        return PathEvaluator.Evaluate(workspace, t => Curve.Point(curve.Method, ends, curve.Bend, t), curve.Method, ends.Aligned,
            data, options ?? new PathOptions(), progress);
    }

    /// <summary>The t ~ U[0, 1) that step <paramref name="step"/> (0-based) of a training with <paramref name="seed"/> uses: 53 bits of SplitMix64(seed, step).</summary>
    public static double StepT(long seed, int step) => (Mix(seed, step, 0x7453) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The order in which the batches are visited in an epoch (Fisher–Yates from SplitMix64(seed, epoch)).</summary>
    internal static int[] BatchOrder(long seed, int epoch, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        ulong state = Mix(seed, epoch, 0x6f72);
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(SplitMix(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong Mix(long seed, long index, ulong salt)
    {
        ulong state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)index * 0xD1B54A32D192ED03UL ^ salt);
        return SplitMix(ref state);
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
