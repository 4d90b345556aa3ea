using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record PowerIterationOptions
{
    public int K { get; init; } = 2;
    public int MaxIterations { get; init; } = 100;
    /// <summary>Stop when |λ_prev − λ| / (|λ_prev| + 1e-6) falls below this (the seed library's rule).</summary>
    public double Tolerance { get; init; } = 1e-3;
    public double ConvergedResidual { get; init; } = 1e-3;
    public long Seed { get; init; } = 42;
}

/// <summary>
/// The seed library's method, kept for parity and comparison: for each of k eigenpairs, power
/// iteration from a Gaussian start, orthogonalized against the pairs already found (deflation),
/// stopped on a small relative change of the Rayleigh quotient. It stops early on close
/// eigenvalues; each pair's true residual is measured afterwards so the user can see that.
/// </summary>
public static class PowerIteration
{
    public static EigenResult TopEigenpairs(ILinearOperator op, PowerIterationOptions options)
    {
        if (options.K < 1) throw new LlaException($"{{top-k}} must be at least 1 (got {options.K})");
        if (options.MaxIterations < 1) throw new LlaException($"power iteration needs at least one iteration (got {options.MaxIterations})");
        long before = op.ApplyCount;
        var generator = new Generator((ulong)options.Seed);
        var found = new List<Tensor>();
        var values = new List<double>();
        int totalIterations = 0;
        try
        {
            for (int i = 0; i < options.K; i++)
            {
                var v = RandomVectors.Gaussian(op.Dimension, op.DType, generator, op.Device);
                v.div_(Reductions.Norm(v));
                double? eigenvalue = null;
                for (int it = 0; it < options.MaxIterations; it++)
                {
                    using var scope = NewDisposeScope();
                    totalIterations++;
                    if (found.Count > 0)
                    {
                        Orthogonalization.Project(stack(found.ToArray()), v, normalizedRows: true);
                        v.div_(Reductions.Norm(v));
                    }
                    var hv = op.Apply(v);
                    double rayleigh = Reductions.Dot(hv, v);
                    double hvNorm = Reductions.Norm(hv);
                    if (hvNorm == 0) { eigenvalue = 0; break; }
                    v.copy_(hv.div_(hvNorm));
                    if (eigenvalue is double previous && Math.Abs(previous - rayleigh) / (Math.Abs(previous) + 1e-6) < options.Tolerance)
                    {
                        eigenvalue = rayleigh;
                        break;
                    }
                    eigenvalue = rayleigh;
                }
                found.Add(v);
                values.Add(eigenvalue ?? 0);
            }
            var pairs = new List<Eigenpair>();
            for (int i = 0; i < found.Count; i++)
            {
                using var scope = NewDisposeScope();
                var av = op.Apply(found[i]);
                double residual = Reductions.Norm(av.sub(found[i].mul(values[i]))) / Math.Max(Math.Abs(values[i]), 1e-300);
                pairs.Add(new Eigenpair(values[i], residual, residual <= options.ConvergedResidual, Lanczos.ToArray(found[i])));
            }
            return new EigenResult(pairs, totalIterations, op.ApplyCount - before, "power", options.Seed);
        }
        finally
        {
            foreach (var t in found) t.Dispose();
        }
    }
}
