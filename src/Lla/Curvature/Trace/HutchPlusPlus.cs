using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record HutchPlusPlusOptions
{
    /// <summary>Operator applications in all (a multiple of 3: a third each for the sketch, its exact part and the residual probes).</summary>
    public int Applications { get; init; } = 30;
    public long Seed { get; init; } = 42;
}

/// <summary>
/// Hutch++ (Meyer, Musco, Musco and Woodruff, 2021): with k = m/3, sketch Y = A·S for k Rademacher
/// columns S, take an orthonormal basis Q of Y, then tr(A) ≈ tr(QᵀAQ) + (1/k)·Σ gᵀ(I−QQᵀ)A(I−QQᵀ)g
/// over k more Rademacher g. The first term is exact on the top of the spectrum, so when a few large
/// eigenvalues dominate (Hessians of trained networks) the variance falls far below Hutchinson's
/// for the same count. Its standard error is that of the residual part.
/// </summary>
public static class HutchPlusPlus
{
    public static TraceResult Estimate(ILinearOperator op, HutchPlusPlusOptions options)
    {
        if (options.Applications < 3 || options.Applications % 3 != 0)
            throw new LlaException($"Hutch++ needs a positive multiple of 3 operator applications (got {options.Applications})");
        long before = op.ApplyCount;
        int k = (int)Math.Min(options.Applications / 3, op.Dimension);
        var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();

        var sketch = new Tensor[k];
        for (int i = 0; i < k; i++)
        {
            using var s = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            sketch[i] = op.Apply(s);
        }
        // Q: orthonormal columns spanning the sketch (reduced QR of the d × k matrix).
        var (q, _) = linalg.qr(stack(sketch, 1));
        foreach (var y in sketch) y.Dispose();

        double exact = 0;
        for (int i = 0; i < q.shape[1]; i++)
        {
            using var inner = NewDisposeScope();
            var column = q[.., i].contiguous();
            exact += op.Apply(column).dot(column).ToDouble();
        }

        var residual = new List<double>();
        for (int j = 0; j < k; j++)
        {
            using var inner = NewDisposeScope();
            var g = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            var p = g - q.mv(q.t().mv(g));
            residual.Add(op.Apply(p).dot(p).ToDouble());
        }
        double mean = residual.Average();
        double stderr = residual.Count > 1
            ? Math.Sqrt(residual.Sum(r => (r - mean) * (r - mean)) / (residual.Count - 1) / residual.Count)
            : double.NaN;
        return new TraceResult(exact + mean, stderr, 2 * k, op.ApplyCount - before, options.Seed, "hutch++");
    }
}
