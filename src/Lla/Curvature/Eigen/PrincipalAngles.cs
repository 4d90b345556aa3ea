using static TorchSharp.torch;

namespace Lla.Curvature;

/// <param name="Angles">The principal angles θ_1 ≤ … ≤ θ_p in radians, p = the smaller of the two dimensions.</param>
/// <param name="Cosines">cos θ_j, descending: the singular values of UᵀV for orthonormal bases U, V.</param>
public sealed record PrincipalAnglesResult(double[] Angles, double[] Cosines, int DimensionA, int DimensionB)
{
    /// <summary>The largest angle (π/2 when some direction of the smaller subspace is orthogonal to the other).</summary>
    public double LargestAngle => Angles[^1];
}

/// <summary>
/// Principal angles between two subspaces of parameter space, e.g. the top-k eigenvector subspaces of
/// two operators (the Hessian and the GGN, or one Hessian at two points). With orthonormal bases U (n×q)
/// and V (n×p), p ≤ q, the cosines are the singular values of UᵀV and the sines those of (I − UUᵀ)V.
/// Each angle is taken from the better conditioned of the two (arccos for cos² &lt; ½, else arcsin), so
/// small angles are accurate (arccos alone loses them below ~1e-8).
/// </summary>
public static class PrincipalAngles
{
    /// <summary>Angles between the column spaces of <paramref name="a"/> and <paramref name="b"/> ([n, q] and [n, p]).</summary>
    public static PrincipalAnglesResult Between(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[0])
            throw new LlaException($"principal angles need two sets of vectors of the same length (got [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}])");
        if (a.shape[1] == 0 || b.shape[1] == 0) throw new LlaException("principal angles need at least one vector on each side");
        using var scope = NewDisposeScope();
        int dimA = (int)a.shape[1], dimB = (int)b.shape[1];
        var u = OrthonormalBasis(a, "first");
        var v = OrthonormalBasis(b, "second");
        if (v.shape[1] > u.shape[1]) (u, v) = (v, u); // v: the smaller subspace
        var m = u.t().mm(v);
        var cosines = linalg.svdvals(m).clamp(0, 1).data<double>().ToArray();            // descending
        var sines = linalg.svdvals(v - u.mm(m)).clamp(0, 1).data<double>().ToArray();    // descending
        int p = cosines.Length;
        var angles = new double[p];
        for (int j = 0; j < p; j++)
        {
            double c = cosines[j], s = sines[p - 1 - j]; // the j-th smallest angle has the j-th largest cosine and j-th smallest sine
            angles[j] = c * c < 0.5 ? Math.Acos(c) : Math.Asin(s);
        }
        return new PrincipalAnglesResult(angles, cosines, dimA, dimB);
    }

    /// <summary>Angles between the spans of two lists of vectors (e.g. eigenvectors).</summary>
    public static PrincipalAnglesResult Between(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
        Between(Columns(a, "first"), Columns(b, "second"));

    /// <summary>Angles between the eigenvector subspaces of two eigenpair results (for instance the top k of H and of G).</summary>
    public static PrincipalAnglesResult Between(EigenResult a, EigenResult b) =>
        Between(a.Pairs.Select(p => p.Vector).ToList(), b.Pairs.Select(p => p.Vector).ToList());

    private static Tensor Columns(IReadOnlyList<float[]> vectors, string which)
    {
        if (vectors.Count == 0) throw new LlaException($"principal angles need at least one vector in the {which} set");
        int n = vectors[0].Length;
        if (vectors.Any(v => v.Length != n)) throw new LlaException($"the {which} set of vectors has vectors of different lengths");
        return stack(vectors.Select(v => tensor(v).to(ScalarType.Float64)).ToArray(), 1);
    }

    /// <summary>Q of a reduced QR, after checking the columns are linearly independent (|R_jj| above 1e-10 of the largest).</summary>
    private static Tensor OrthonormalBasis(Tensor columns, string which)
    {
        if (columns.shape[1] > columns.shape[0])
            throw new LlaException($"the {which} set has {columns.shape[1]} vectors in dimension {columns.shape[0]}: they cannot be independent");
        var (q, r) = linalg.qr(columns.to(ScalarType.Float64));
        var d = r.diagonal().abs();
        double max = d.max().ToDouble();
        if (!(max > 0) || d.min().ToDouble() <= 1e-10 * max)
            throw new LlaException($"the {which} set of vectors is linearly dependent (or zero): it does not span a subspace of its size");
        return q;
    }
}
