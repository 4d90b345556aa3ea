using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record HutchinsonOptions
{
    public int MaxIterations { get; init; } = 100;
    /// <summary>Stop when the running mean changes by less than this, relative to its previous value.</summary>
    public double Tolerance { get; init; } = 1e-3;
    public long Seed { get; init; } = 42;
}

/// <param name="Trace">Mean of zᵀAz over the probes.</param>
/// <param name="StandardError">Sample standard deviation of the probes over √count (NaN with one probe).</param>
public sealed record TraceResult(double Trace, double StandardError, int Probes, long OperatorApplications, long Seed, string Method = "hutchinson");

/// <summary>Hutchinson's trace estimator with Rademacher probes: E[zᵀAz] = tr(A).</summary>
public static class Hutchinson
{
    public static TraceResult Estimate(ILinearOperator op, HutchinsonOptions options)
    {
        if (options.MaxIterations < 1) throw new LlaException($"the trace needs at least one probe (got {options.MaxIterations})");
        long before = op.ApplyCount;
        var generator = new Generator((ulong)options.Seed);
        var samples = new List<double>();
        double previous = double.NaN;
        for (int i = 0; i < options.MaxIterations; i++)
        {
            using var scope = NewDisposeScope();
            var z = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            samples.Add(op.Apply(z).dot(z).ToDouble());
            double mean = samples.Average();
            if (i > 0 && Math.Abs(mean - previous) / (Math.Abs(previous) + 1e-6) < options.Tolerance) break;
            previous = mean;
        }
        double average = samples.Average();
        double stderr = samples.Count > 1
            ? Math.Sqrt(samples.Sum(s => (s - average) * (s - average)) / (samples.Count - 1) / samples.Count)
            : double.NaN;
        return new TraceResult(average, stderr, samples.Count, op.ApplyCount - before, options.Seed);
    }
}
