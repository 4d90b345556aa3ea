using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record DiagonalOptions
{
    /// <summary>Operator applications (one per Rademacher probe).</summary>
    public int Probes { get; init; } = 100;
    public long Seed { get; init; } = 42;
}

/// <param name="Diagonal">The estimate of diag(A), one entry per dimension (parameter-set order).</param>
/// <param name="StandardError">Per entry: the sample standard deviation of z_j(Az)_j over the probes, over √probes (NaN with one probe).</param>
public sealed record DiagonalResult(double[] Diagonal, double[] StandardError, int Probes, long OperatorApplications, long Seed);

/// <summary>
/// Hutchinson's diagonal estimator (Bekas, Kokiopoulou and Saad, 2007): diag(A) ≈ mean over Rademacher
/// probes z of z ⊙ Az. Entry j of one probe is A_jj + Σ_{k≠j} A_jk z_j z_k: unbiased, with variance
/// Σ_{k≠j} A_jk², so a diagonal operator is recovered exactly by one probe.
/// </summary>
public static class HutchinsonDiagonal
{
    public static DiagonalResult Estimate(ILinearOperator op, DiagonalOptions options)
    {
        if (options.Probes < 1) throw new LlaException($"the diagonal needs at least one probe (got {options.Probes})");
        long before = op.ApplyCount;
        var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();
        // Welford's running mean and sum of squared deviations (no cancellation when |mean| ≫ spread).
        var mean = zeros(op.Dimension, dtype: ScalarType.Float64, device: op.Device);
        var squares = zeros_like(mean);
        for (int p = 0; p < options.Probes; p++)
        {
            using var inner = NewDisposeScope();
            var z = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            var sample = op.Apply(z).mul_(z).to(ScalarType.Float64);
            var delta = sample - mean;
            mean.add_(delta, alpha: 1.0 / (p + 1));
            squares.add_(delta.mul_(sample - mean));
        }
        int n = options.Probes;
        var stderr = n > 1
            ? squares.div(n - 1).clamp_min(0).div(n).sqrt().cpu().data<double>().ToArray()
            : Enumerable.Repeat(double.NaN, (int)op.Dimension).ToArray();
        return new DiagonalResult(mean.cpu().data<double>().ToArray(), stderr, n, op.ApplyCount - before, options.Seed);
    }
}
