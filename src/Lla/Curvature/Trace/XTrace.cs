using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

public sealed record XTraceOptions
{
    /// <summary>Operator applications in all, m (even, at least 4): half for the sketch, half for its exact part.</summary>
    public int Applications { get; init; } = 30;
    public long Seed { get; init; } = 42;
}

/// <summary>
/// XTrace (Epperly, Tropp and Webber, 2024, "XTrace: making the most of every sample"): the
/// exchangeable form of Hutch++, where every random vector serves both as a sketch column and as a
/// Hutchinson probe. With k = m/2 Rademacher columns Ω = [ω_1 … ω_k], Y = AΩ = QR and Π_(i) the
/// orthogonal projector onto the span of Y without column i:
///   t_i = tr(Π_(i) A Π_(i)) + ω_iᵀ(I − Π_(i)) A (I − Π_(i)) ω_i,   tr(A) ≈ mean_i t_i.
/// Each t_i is an unbiased Hutch++ estimate (ω_i is independent of Π_(i)). Π_(i) = QQᵀ − q̃_i q̃_iᵀ with
/// q̃_i = Q s_i and s_i the unit vector orthogonal to the columns of R other than i, so all k
/// leave-one-out estimates come from Z = AQ (k more applications) and k×k matrices:
/// tr(Π_(i)A) = tr(QᵀZ) − s_iᵀQᵀZ s_i, and (I − Π_(i))ω_i = r_i + (s_i·w_i) q̃_i with w_i = Qᵀω_i,
/// r_i = ω_i − Q w_i, A r_i = y_i − Z w_i. Exact when rank(A) ≤ k − 1 = m/2 − 1 (then every Π_(i)
/// already covers A's range). Reported standard error: the standard deviation of the t_i over √k,
/// the paper's error estimate (the t_i are correlated, so it is an estimate of the error, not a bound).
/// Choices: Rademacher vectors as this library's other trace estimators (the paper also studies
/// vectors on the sphere of radius √n); k is capped at the dimension.
/// </summary>
public static class XTrace
{
    public static TraceResult Estimate(ILinearOperator op, XTraceOptions options)
    {
        if (options.Applications < 4 || options.Applications % 2 != 0)
            throw new LlaException($"XTrace needs an even number of operator applications, at least 4 (got {options.Applications})");
        long before = op.ApplyCount;
        int k = (int)Math.Min(options.Applications / 2, op.Dimension);
        if (k < 2) throw new LlaException($"XTrace needs an operator of dimension at least 2 (got {op.Dimension})");
        var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();

        var omegas = new Tensor[k];
        var sketch = new Tensor[k];
        for (int i = 0; i < k; i++)
        {
            omegas[i] = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            sketch[i] = op.Apply(omegas[i]).to(ScalarType.Float64);
        }
        var omega = stack(omegas, 1).to(ScalarType.Float64); // n × k
        var y = stack(sketch, 1);                            // n × k
        var (q, r) = linalg.qr(y);                           // reduced: q n × k orthonormal, r k × k
        var products = new Tensor[k];
        for (int j = 0; j < k; j++)
        {
            using var column = q[.., j].contiguous().to(op.DType);
            products[j] = op.Apply(column).to(ScalarType.Float64);
        }
        var z = stack(products, 1);                          // Z = AQ, n × k

        var b = q.t().mm(z);                                 // QᵀAQ
        var w = q.t().mm(omega);                             // columns w_i = Qᵀω_i
        var t = z.t().mm(omega);                             // columns Zᵀω_i
        var d = omega.mul(y).sum(0L);                        // ω_iᵀ y_i
        var s = LeaveOneOutNormals(r);                       // columns s_i

        // All k leave-one-out estimates at once: column sums of elementwise products are the per-i dot products.
        var bw = b.mm(w);
        var sBs = s.mul(b.mm(s)).sum(0L);                    // s_iᵀ QᵀAQ s_i = q̃_iᵀ A q̃_i
        var c = s.mul(w).sum(0L);                            // q̃_iᵀ ω_i
        var rAr = d - t.mul(w).sum(0L) - w.mul(r).sum(0L) + w.mul(bw).sum(0L); // r_iᵀ A r_i
        var cross = s.mul(r - bw).sum(0L);                   // q̃_iᵀ A r_i
        var all = b.trace() - sBs + rAr + 2 * c * cross + c * c * sBs;
        var estimates = all.cpu().data<double>().ToArray();
        double mean = estimates.Average();
        double stderr = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (k - 1) / k);
        return new TraceResult(mean, stderr, k, op.ApplyCount - before, options.Seed, "xtrace");
    }

    /// <summary>
    /// Column i: a unit vector orthogonal to every column of <paramref name="r"/> except column i (the last
    /// column of a complete QR of r without column i). For an invertible r this is R⁻ᵀe_i normalized; for
    /// a singular one (rank(A) &lt; k) it is still orthogonal to the other columns, which is all exactness needs.
    /// </summary>
    private static Tensor LeaveOneOutNormals(Tensor r)
    {
        long k = r.shape[0];
        var reduced = new Tensor[k];
        for (long i = 0; i < k; i++)
        {
            var keep = tensor(Enumerable.Range(0, (int)k).Where(j => j != i).Select(j => (long)j).ToArray());
            reduced[i] = r.index_select(1, keep);
        }
        var (qs, _) = linalg.qr(stack(reduced), linalg.QRMode.Complete); // k × (k × k)
        return qs.select(2, k - 1).t();                                   // row i of the selection is s_i: transpose to columns
    }
}
