using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>An explicit symmetric matrix as an operator (tests, synthetic spectra, small models).</summary>
public sealed class DenseOperator : ILinearOperator, IDisposable
{
    private readonly Tensor _matrix;
    private long _count;

    public DenseOperator(Tensor matrix)
    {
        if (matrix.dim() != 2 || matrix.shape[0] != matrix.shape[1]) throw new ArgumentException("a square matrix is needed");
        _matrix = matrix.detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Q·diag(λ)·Qᵀ with a random orthogonal Q (QR of a seeded Gaussian matrix).</summary>
    public static DenseOperator WithSpectrum(double[] eigenvalues, long seed, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        int n = eigenvalues.Length;
        var (q, _) = linalg.qr(randn(n, n, dtype: ScalarType.Float64, generator: generator));
        var lambda = tensor(eigenvalues, dtype: ScalarType.Float64);
        var m = q.mm(diag(lambda)).mm(q.t());
        m = (m + m.t()) / 2;
        return new DenseOperator(m.to(dtype));
    }

    public Tensor Matrix => _matrix;
    public long Dimension => _matrix.shape[0];
    public ScalarType DType => _matrix.dtype;
    public Device Device => _matrix.device;
    public long ApplyCount => _count;

    public Tensor Apply(Tensor v)
    {
        _count++;
        return _matrix.mv(v);
    }

    public void Dispose() => _matrix.Dispose();
}
