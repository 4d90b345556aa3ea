using Lla.Curvature;

namespace Lla.Tests.Curvature;

/// <summary>
/// A = P·diag(λ)·P with the Householder reflection P = I − 2uuᵀ (u a seeded random unit vector): a
/// symmetric operator of known spectrum λ and known eigenvectors (the columns P e_i = e_i − 2u u_i),
/// applied in O(n), so a dimension of thousands costs nothing. Counts its applications.
/// </summary>
internal sealed class ReflectedDiagonal : ILinearOperator, IDisposable
{
    private readonly Tensor _lambda;
    private readonly Tensor _u;
    private long _count;

    /// <param name="dtype">The operator's dtype: products are computed in float64 and rounded to it.</param>
    public ReflectedDiagonal(double[] spectrum, long seed, ScalarType dtype = ScalarType.Float64)
    {
        DType = dtype;
        _lambda = tensor(spectrum, dtype: ScalarType.Float64).DetachFromDisposeScope();
        var u = randn(spectrum.Length, dtype: ScalarType.Float64, generator: new Generator((ulong)seed));
        _u = u.div_(u.norm()).DetachFromDisposeScope();
    }

    public long Dimension => _lambda.shape[0];
    public ScalarType DType { get; }
    public Device Device => _lambda.device;
    public long ApplyCount => _count;

    public Tensor Apply(Tensor v)
    {
        _count++;
        using var scope = NewDisposeScope();
        var x = v.to(ScalarType.Float64);
        var pv = x - 2 * _u.dot(x) * _u;
        var dpv = _lambda * pv;
        return (dpv - 2 * _u.dot(dpv) * _u).to(DType).MoveToOuterDisposeScope();
    }

    /// <summary>The unit eigenvector of eigenvalue index <paramref name="i"/>: P e_i.</summary>
    public float[] Eigenvector(int i)
    {
        using var scope = NewDisposeScope();
        var e = zeros(Dimension, dtype: ScalarType.Float64);
        e[i] = 1.0;
        var v = e - 2 * _u[i] * _u;
        return v.to(ScalarType.Float32).data<float>().ToArray();
    }

    public void Dispose()
    {
        _lambda.Dispose();
        _u.Dispose();
    }
}
