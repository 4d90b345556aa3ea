using Lla.Runs;

namespace Lla.TensorBoard;

/// <summary>
/// A histogram as TensorBoard's <c>HistogramProto</c> holds it: bucket i spans
/// (Limits[i−1], Limits[i]] (the first from <see cref="Min"/>) and holds the weight Counts[i].
/// </summary>
public sealed record HistogramBuckets(double Min, double Max, IReadOnlyList<double> Limits, IReadOnlyList<double> Counts)
{
    /// <summary>The largest number of buckets a spectral density is written with.</summary>
    public const int MaxBuckets = 200;

    /// <summary>Σ counts: the total weight.</summary>
    public double Total => Counts.Sum();

    /// <summary>Σ cᵢ·mᵢ over bucket midpoints mᵢ (the histogram's first moment).</summary>
    public double Sum => Enumerable.Range(0, Counts.Count).Sum(i => Counts[i] * Mid(i));

    /// <summary>Σ cᵢ·mᵢ² over bucket midpoints mᵢ.</summary>
    public double SumSquares => Enumerable.Range(0, Counts.Count).Sum(i => Counts[i] * Mid(i) * Mid(i));

    private double Mid(int i) => ((i == 0 ? Min : Limits[i - 1]) + Limits[i]) / 2;

    /// <summary>
    /// The stored SLQ density (results.json's <c>hessian.esd.density</c>: values ρ(λⱼ) on an even grid
    /// λⱼ = λ₀ + jΔ, normalized so that Σ ρ(λⱼ)Δ = 1) as at most <paramref name="maxBuckets"/> buckets:
    /// grid point j stands for the cell [λⱼ − Δ/2, λⱼ + Δ/2] of mass ρ(λⱼ)Δ, and ⌈n/B⌉ consecutive cells
    /// make one bucket, so the buckets' weights sum to the density's total weight Σ ρ(λⱼ)Δ (1 up to rounding).
    /// </summary>
    public static HistogramBuckets FromDensity(DensityRecord density, int maxBuckets = MaxBuckets)
    {
        int n = density.Lambda.Count;
        if (n < 2 || density.Density.Count != n) throw new ArgumentException("a density needs at least two grid points, with one value each", nameof(density));
        if (maxBuckets < 1) throw new ArgumentOutOfRangeException(nameof(maxBuckets));
        double step = (density.Lambda[n - 1] - density.Lambda[0]) / (n - 1);
        int perBucket = (n + maxBuckets - 1) / maxBuckets;
        var limits = new List<double>();
        var counts = new List<double>();
        for (int start = 0; start < n; start += perBucket)
        {
            int end = Math.Min(n, start + perBucket);
            double mass = 0;
            for (int j = start; j < end; j++) mass += density.Density[j] * step;
            limits.Add(density.Lambda[end - 1] + step / 2);
            counts.Add(mass);
        }
        return new HistogramBuckets(density.Lambda[0] - step / 2, density.Lambda[n - 1] + step / 2, limits, counts);
    }
}
