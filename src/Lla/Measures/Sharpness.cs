using Lla.Data;
using System.Diagnostics;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="Sharpness"/> (METHOD.md's defaults).</summary>
public sealed record SharpnessOptions
{
    /// <summary>n: the first n samples of the data (all of them if fewer).</summary>
    public int SampleCount { get; init; } = 1024;
    /// <summary>m: the batch size of m-sharpness; it must divide the number of samples used.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>ρ of one-step SAM (non-adaptive ℓ2).</summary>
    public double SamRho { get; init; } = 0.05;
    /// <summary>ρ of the ℓ∞ worst case.</summary>
    public double LinfRho { get; init; } = 0.002;
    /// <summary>ρ of the ℓ2 worst case and of the average case.</summary>
    public double L2Rho { get; init; } = 0.1;
    /// <summary>APGD iterations per batch.</summary>
    public int Steps { get; init; } = 20;
    /// <summary>Random directions of the average case.</summary>
    public int AverageDraws { get; init; } = 16;
    /// <summary>c = |θ| (adaptive, the named measures) or c = 1 (non-adaptive: names without "adaptive").</summary>
    public bool Adaptive { get; init; } = true;
    public long Seed { get; init; } = 0;
}

/// <summary>The sharpness family (<see cref="Sharpness"/>): backward work in the analysis's BatchNorm mode, behind the numeric guard; a study computes it when its config names it.</summary>
public sealed class SharpnessFamily : MeasureFamily
{
    public static readonly SharpnessFamily Instance = new();
    public override string Name => "sharpness";
    public override int Order => 60;
    public override MeasureMode Mode => MeasureMode.Analysis;
    public override bool InStudies => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("sharpness_sam", 1, "loss increase after one SAM step of radius 0.05") { NeedsLabels = true },
        new("sharpness_adaptive_linf", 1, "worst loss increase in a small ℓ∞ ball scaled by each weight (APGD)") { NeedsLabels = true },
        new("sharpness_adaptive_l2", 1, "worst loss increase in a small ℓ2 ball scaled by each weight (APGD)") { NeedsLabels = true },
        new("sharpness_average", 1, "average loss increase in random directions on that ℓ2 sphere") { NeedsLabels = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => Sharpness.Compute(c);
}

/// <summary>
/// Sharpness measures (Foret et al. 2021; Andriushchenko et al. 2023), m-sharpness: the first n samples
/// in batches of m, each value the mean over batches of L_B(θ + δ_B) − L_B(θ), BatchNorm and dropout in
/// the module's current modes (the caller sets them, e.g. with <see cref="AnalysisMode"/>).
/// <list type="bullet">
/// <item><c>sharpness_sam</c>: one step, δ = ρ g/‖g‖₂ with g = ∇L_B(θ) (δ = 0 where g = 0), ρ = 0.05;</item>
/// <item><c>sharpness_adaptive_linf</c>, <c>sharpness_adaptive_l2</c> (worst case): max over ‖δ ⊘ c‖_p ≤ ρ of
/// L_B(θ + δ) − L_B(θ), c = |θ|, by APGD (Croce &amp; Hein 2020) on η = δ ⊘ c: a uniform random start in
/// the ball (ℓ2: uniform direction, radius ρ·U^(1/d)); step 2ρ along sign(∇_η) (ℓ∞) or ∇_η/‖∇_η‖₂ (ℓ2),
/// then momentum 0.75: x ← P(x + 0.75(z − x) + 0.25(x − x_prev)); at the checkpoints
/// w_j = ⌈p_j·N⌉ (p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)) the step halves and
/// the iterate returns to the best point when fewer than 75% of the steps since the last checkpoint
/// increased the loss, or when the step was not halved there and the best value has not changed.
/// N = <see cref="SharpnessOptions.Steps"/> updates after the start (N + 1 evaluations). The result is the
/// best of all iterates and of the one-step point η = ρ·dir(c ⊙ g);</item>
/// <item><c>sharpness_average</c>: E[L_B(θ + δ) − L_B(θ)], δ = ρ·c ⊙ u/‖u‖₂, u ~ N(0, I), with the ℓ2 ρ;
/// the same draws (seeded) for every batch; spread = standard error over the draws.</item>
/// </list>
/// With <see cref="SharpnessOptions.Adaptive"/> false, c = 1 and the names are sharpness_linf,
/// sharpness_l2, sharpness_average_nonadaptive. Parameters and buffers (BatchNorm running statistics)
/// are restored exactly afterwards. A non-finite loss at a perturbed point is an error (ρ too large).
/// </summary>
public static class Sharpness
{
    /// <summary>The family's sharpness of the context's batches with its settings, seeded by the context.</summary>
    public static IReadOnlyList<MeasureValue> Compute(MeasureContext c) => Compute(c.Objective(), c.Sharpness with { Seed = c.Seed });

    /// <summary>Sharpness of a classifier under cross-entropy.</summary>
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, SharpnessOptions? options = null) =>
        Compute(new Objective(model, LossFunctions.CrossEntropy, batches), options);

    /// <summary>Sharpness of any objective (its loss, module and data).</summary>
    public static IReadOnlyList<MeasureValue> Compute(Objective objective, SharpnessOptions? options = null)
    {
        options ??= new SharpnessOptions();
        if (options.Steps < 1 || options.AverageDraws < 1) throw new LlaException("sharpness needs at least one APGD step and one average-case draw");
        var chunks = Rechunk(objective.Batches, options.SampleCount, options.BatchSize);
        // Train-mode BatchNorm forwards update running statistics even without autograd: put them back too.
        using var snapshot = new ModelSnapshot(objective.Module);
        try
        {
            return Run(objective, chunks, options);
        }
        finally
        {
            foreach (var c in chunks) c.Dispose();
        }
    }

    private static IReadOnlyList<MeasureValue> Run(Objective objective, IReadOnlyList<Batch> chunks, SharpnessOptions options)
    {
        using var f = new PerturbedObjective(objective);
        using var scale = options.Adaptive ? f.Theta.abs() : ones_like(f.Theta);
        string suffix = options.Adaptive ? "adaptive_" : "";
        var clock = new Stopwatch();
        double samSeconds = 0, linfSeconds = 0, l2Seconds = 0, averageSeconds = 0;
        long samPasses = 0, linfPasses = 0, l2Passes = 0, averageForward = 0;
        double sam = 0, linf = 0, l2 = 0;
        var averagePerDraw = new double[options.AverageDraws];
        for (int b = 0; b < chunks.Count; b++)
        {
            var batch = chunks[b];
            clock.Restart();
            var (l0, g) = f.LossAndGradient(batch, null);
            using var gradient = g;
            double baseSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            long before = f.ForwardPasses;
            using (var scope = NewDisposeScope())
            {
                double norm = gradient.norm().ToDouble();
                sam += (norm > 0 ? f.Loss(batch, gradient * (options.SamRho / norm)) : l0) - l0;
            }
            samSeconds += baseSeconds + clock.Elapsed.TotalSeconds;
            samPasses += 1 + f.ForwardPasses - before;

            clock.Restart();
            before = f.ForwardPasses;
            linf += WorstCase(f, batch, l0, gradient, scale, double.PositiveInfinity, options.LinfRho, options.Steps, options.Seed + 7919L * b) - l0;
            linfSeconds += baseSeconds + clock.Elapsed.TotalSeconds;
            linfPasses += 1 + f.ForwardPasses - before;

            clock.Restart();
            before = f.ForwardPasses;
            l2 += WorstCase(f, batch, l0, gradient, scale, 2, options.L2Rho, options.Steps, options.Seed + 7919L * b + 1) - l0;
            l2Seconds += baseSeconds + clock.Elapsed.TotalSeconds;
            l2Passes += 1 + f.ForwardPasses - before;

            clock.Restart();
            before = f.ForwardPasses;
            for (int k = 0; k < options.AverageDraws; k++)
            {
                using var scope = NewDisposeScope();
                var u = randn(f.Theta.shape, dtype: f.Theta.dtype, device: f.Theta.device, generator: new Generator((ulong)(options.Seed * 1_000_003 + 104_729 + k)));
                var delta = scale * u * (options.L2Rho / u.norm().ToDouble());
                averagePerDraw[k] += f.Loss(batch, delta) - l0;
            }
            averageSeconds += baseSeconds + clock.Elapsed.TotalSeconds;
            averageForward += 1 + f.ForwardPasses - before;
        }
        int n = chunks.Count;
        var draws = averagePerDraw.Select(v => v / n).ToArray();
        double mean = draws.Average();
        double? spread = draws.Length > 1 ? Math.Sqrt(draws.Sum(v => (v - mean) * (v - mean)) / (draws.Length - 1) / draws.Length) : null;

        long used = chunks.Sum(c => c.Count);
        string note = $"m-sharpness on n = {used} samples in {n} batches of m = {options.BatchSize}"
            + (used < options.SampleCount ? $" (asked for {options.SampleCount}; the data had {used})" : "");
        MeasureValue Of(string name, double value, double seconds, long forward, long backward) => new()
        {
            Name = name, Family = SharpnessFamily.Instance, Direction = 1, Value = value, Seconds = seconds,
            ForwardPasses = forward, BackwardPasses = backward, NeedsLabels = true, Reason = note,
        };
        return new[]
        {
            Of("sharpness_sam", sam / n, samSeconds, samPasses, n),
            Of($"sharpness_{suffix}linf", linf / n, linfSeconds, linfPasses, linfPasses - n),
            Of($"sharpness_{suffix}l2", l2 / n, l2Seconds, l2Passes, l2Passes - n),
            Of(options.Adaptive ? "sharpness_average" : "sharpness_average_nonadaptive", mean, averageSeconds, averageForward, n) with { Spread = spread },
        };
    }

    /// <summary>
    /// max over ‖η‖_p ≤ ρ of L_B(θ + c ⊙ η) by APGD (see the class comment); returns the best loss found
    /// (at least that of the one-step point). <paramref name="gradient"/> is ∇L_B(θ).
    /// </summary>
    internal static double WorstCase(PerturbedObjective f, Batch batch, double l0, Tensor gradient, Tensor c, double p, double rho, int steps, long seed)
    {
        using var scope = NewDisposeScope();
        bool linf = double.IsPositiveInfinity(p);
        Tensor Direction(Tensor g)
        {
            if (linf) return g.sign();
            double norm = g.norm().ToDouble();
            return norm > 0 ? g / norm : zeros_like(g);
        }
        Tensor Project(Tensor eta)
        {
            if (linf) return eta.clamp(-rho, rho);
            double norm = eta.norm().ToDouble();
            return norm > rho ? eta * (rho / norm) : eta;
        }
        (double Loss, Tensor GradEta) Evaluate(Tensor eta)
        {
            var (loss, g) = f.LossAndGradient(batch, c * eta);
            return (loss, c * g);
        }

        // The one-step point.
        var oneStep = rho * Direction(c * gradient);
        double best = f.Loss(batch, c * oneStep);

        // Random start in the ball.
        var generator = new Generator((ulong)seed);
        Tensor x;
        if (linf) x = (rand(c.shape, dtype: c.dtype, device: c.device, generator: generator) * 2 - 1) * rho;
        else
        {
            var u = randn(c.shape, dtype: c.dtype, device: c.device, generator: generator);
            double radius = rho * Math.Pow(rand(1, dtype: ScalarType.Float64, generator: generator).ToDouble(), 1.0 / c.numel());
            x = u * (radius / u.norm().ToDouble());
        }
        var (fx, gx) = Evaluate(x);
        double step = 2 * rho;
        var xBest = x;
        var gBest = gx;
        double fBest = fx;

        var xPrev = x;
        var checkpoints = Checkpoints(steps);
        int successes = 0, lastCheckpoint = 0;
        bool reducedAtLast = false;
        double fBestAtLast = fBest;
        for (int k = 0; k < steps; k++)
        {
            var z = Project(x + step * Direction(gx));
            var next = k == 0 ? z : Project(x + 0.75 * (z - x) + 0.25 * (x - xPrev));
            var (fNext, gNext) = Evaluate(next);
            if (fNext > fx) successes++;
            xPrev = x;
            x = next; fx = fNext; gx = gNext;
            if (fx > fBest) { fBest = fx; xBest = x; gBest = gx; }
            int iteration = k + 1;
            if (checkpoints.Contains(iteration))
            {
                bool fewSuccesses = successes < 0.75 * (iteration - lastCheckpoint);
                bool stalled = !reducedAtLast && fBestAtLast == fBest;
                reducedAtLast = fewSuccesses || stalled;
                fBestAtLast = fBest;
                successes = 0;
                lastCheckpoint = iteration;
                if (reducedAtLast)
                {
                    step /= 2;
                    x = xBest; xPrev = xBest; fx = fBest; gx = gBest;
                }
            }
        }
        return Math.Max(best, fBest);
    }

    /// <summary>APGD's checkpoints ⌈p_j·N⌉ for j ≥ 1, within 1..N.</summary>
    public static HashSet<int> Checkpoints(int steps)
    {
        var result = new HashSet<int>();
        double previous = 0, current = 0.22;
        while (current <= 1)
        {
            result.Add((int)Math.Ceiling(current * steps - 1e-9)); // 1e-9: p_j·N = 14 must not round up to 15
            (previous, current) = (current, current + Math.Max(current - previous - 0.03, 0.06));
        }
        return result;
    }

    /// <summary>The first n samples of the data (all if fewer) as batches of m (views of one concatenation); m must divide n.</summary>
    internal static IReadOnlyList<Batch> Rechunk(IReadOnlyList<Batch> batches, int sampleCount, int batchSize)
    {
        if (batches.Count == 0) throw new LlaException("no data: sharpness needs at least one batch");
        if (sampleCount < 1 || batchSize < 1) throw new LlaException("sharpness needs a positive sample count n and batch size m");
        long available = batches.Sum(b => b.Count);
        long n = Math.Min(sampleCount, available);
        if (n % batchSize != 0)
            throw new LlaException($"sharpness: the batch size m = {batchSize} does not divide the n = {n} samples used (of {available} available)");
        using var scope = NewDisposeScope();
        var inputs = cat(batches.Select(b => b.Inputs).ToArray()).narrow(0, 0, n);
        var targets = cat(batches.Select(b => b.Targets).ToArray()).narrow(0, 0, n);
        var chunks = new List<Batch>();
        for (long at = 0; at < n; at += batchSize)
            chunks.Add(new Batch(inputs.narrow(0, at, batchSize).clone().MoveToOuterDisposeScope(), targets.narrow(0, at, batchSize).clone().MoveToOuterDisposeScope()));
        return chunks;
    }
}
