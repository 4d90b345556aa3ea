using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record SlqOptions
{
    public int Runs { get; init; } = 1;
    public int Steps { get; init; } = 100;
    public long Seed { get; init; } = 42;
    /// <summary>The dtype the basis rows are stored in (<see cref="LanczosRows"/>); null: the operator's.</summary>
    public ScalarType? BasisDType { get; init; }
}

/// <summary>One SLQ run: Gauss quadrature nodes (eigenvalues of T) and weights (squared first components, summing to 1).</summary>
public sealed record SlqRun(double[] Nodes, double[] Weights, int Steps);

/// <summary>The SLQ estimate of the Hessian's eigenvalue spectral density (HESD) from several runs.</summary>
public sealed record SpectralDensityResult(IReadOnlyList<SlqRun> Runs, long Dimension, long OperatorApplications, long Seed)
{
    /// <summary>tr(A) ≈ n · mean over runs of Σ w λ.</summary>
    public double TraceEstimate => Dimension * Runs.Average(r => r.Nodes.Zip(r.Weights, (l, w) => l * w).Sum());

    /// <summary>tr(A²) ≈ n · mean over runs of Σ w λ².</summary>
    public double SecondMomentEstimate => Dimension * Runs.Average(r => r.Nodes.Zip(r.Weights, (l, w) => l * l * w).Sum());

    /// <summary>
    /// The density mean_r Σ_k w_{r,k} N(x; λ_{r,k}, s²) on an even grid over [λmin − pad, λmax + pad],
    /// renormalized to integrate to 1. Default s² = 1e-5·max(1, λmax − λmin) as the seed library.
    /// </summary>
    public SmoothedDensity Smooth(int bins = 10_000, double? variance = null)
    {
        double lo = Runs.Min(r => r.Nodes.Min()), hi = Runs.Max(r => r.Nodes.Max());
        double s2 = variance ?? 1e-5 * Math.Max(1, hi - lo);
        double pad = 5 * Math.Sqrt(s2) + 0.01 * (hi - lo);
        double a = lo - pad, b = hi + pad;
        var x = new double[bins];
        var y = new double[bins];
        double dx = (b - a) / (bins - 1);
        double norm = 1 / Math.Sqrt(2 * Math.PI * s2);
        for (int i = 0; i < bins; i++) x[i] = a + i * dx;
        foreach (var run in Runs)
            for (int k = 0; k < run.Nodes.Length; k++)
            {
                double l = run.Nodes[k], w = run.Weights[k] / Runs.Count;
                if (w == 0) continue;
                // Only bins within 8 standard deviations contribute measurably.
                int from = Math.Max(0, (int)Math.Floor((l - 8 * Math.Sqrt(s2) - a) / dx));
                int to = Math.Min(bins - 1, (int)Math.Ceiling((l + 8 * Math.Sqrt(s2) - a) / dx));
                for (int i = from; i <= to; i++)
                {
                    double d = x[i] - l;
                    y[i] += w * norm * Math.Exp(-d * d / (2 * s2));
                }
            }
        double area = y.Sum() * dx;
        if (area > 0) for (int i = 0; i < bins; i++) y[i] /= area;
        return new SmoothedDensity(x, y, s2);
    }
}

public sealed record SmoothedDensity(double[] X, double[] Density, double Variance);

/// <summary>
/// Stochastic Lanczos quadrature: R runs of m Lanczos steps from normalized Rademacher vectors,
/// fully reorthogonalized. If the Krylov space becomes invariant before m steps the run stops
/// there: its quadrature is then exact for that start vector (a restart would only add nodes of
/// weight zero).
/// </summary>
public static class SpectralDensity
{
    public static SpectralDensityResult Estimate(ILinearOperator op, SlqOptions options, Action<int, int>? progress = null)
    {
        if (options.Runs < 1) throw new LlaException($"{{runs}} must be at least 1 (got {options.Runs})");
        if (options.Steps < 1) throw new LlaException($"{{lanczos-steps}} must be at least 1 (got {options.Steps})");
        var storage = LanczosBasis.Storage(options.BasisDType, op.DType);
        long before = op.ApplyCount;
        var generator = new Generator((ulong)options.Seed);
        var runs = new List<SlqRun>();
        // Capped for the int progress callback (runs × steps may exceed int's range).
        int total = (int)Math.Min(int.MaxValue, (long)options.Runs * Math.Min(options.Steps, op.Dimension)), done = 0;
        for (int r = 0; r < options.Runs; r++)
        {
            using var start = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            using var process = new LanczosProcess(op, options.Steps, start, generator, storage);
            while (process.Steps < options.Steps)
            {
                bool more = process.Step(continueOnBreakdown: false);
                progress?.Invoke(++done, total);
                if (!more) break;
            }
            var (values, vectors) = process.Ritz();
            var weights = new double[values.Length];
            for (int k = 0; k < values.Length; k++) weights[k] = vectors[0, k] * vectors[0, k];
            runs.Add(new SlqRun(values, weights, process.Steps));
        }
        return new SpectralDensityResult(runs, op.Dimension, op.ApplyCount - before, options.Seed);
    }
}
