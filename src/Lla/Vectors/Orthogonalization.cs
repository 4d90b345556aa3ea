using static TorchSharp.torch;

namespace Lla.Vectors;

/// <summary>Projections that remove the components of a vector along a set of vectors (rows of a matrix).</summary>
public static class Orthogonalization
{
    /// <summary>
    /// v -= Bᵀ(B v) (orthonormal rows) or, for general rows, the projection onto their span through a QR factorization, done twice:
    /// one classical pass loses orthogonality in floating point, two passes keep it at the level of
    /// the rounding error ("twice is enough"). In place on <paramref name="v"/>.
    /// </summary>
    public static void Project(Tensor rows, Tensor v, bool normalizedRows)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            using var scope = NewDisposeScope();
            if (normalizedRows)
            {
                var coefficients = Reductions.RowDots(rows, v);
                v.sub_(rows.t().mv(coefficients));
            }
            else
            {
                // General rows: project onto the orthonormal basis of their span (QR of Bᵀ).
                var (q, _) = linalg.qr(rows.t());
                v.sub_(q.mv(q.t().mv(v)));
            }
        }
    }
}
