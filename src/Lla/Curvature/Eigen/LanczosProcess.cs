using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The Lanczos three-term recurrence with full reorthogonalization against every basis vector so
/// far (twice per step), which keeps the basis orthogonal to rounding level and prevents the
/// "ghost" copies of eigenvalues that windowed reorthogonalization produces. Builds the
/// tridiagonal matrix T (alphas on the diagonal, betas beside it) and keeps the basis V as rows
/// of one preallocated matrix.
/// </summary>
internal sealed class LanczosProcess : IDisposable
{
    private readonly ILinearOperator _op;
    private readonly Tensor _basis; // [capacity, n]
    private readonly List<double> _alphas = new();
    private readonly List<double> _betas = new(); // beta_j couples v_j and v_{j+1}
    private readonly Generator _generator;

    public LanczosProcess(ILinearOperator op, int capacity, Tensor start, Generator generator)
    {
        _op = op;
        _generator = generator;
        int cap = (int)Math.Min(capacity, op.Dimension) + 1;
        _basis = zeros(cap, op.Dimension, dtype: op.DType, device: op.Device);
        using var scope = NewDisposeScope();
        var v = start.to(op.DType).clone();
        double norm = Reductions.Norm(v);
        if (!(norm > 0)) throw new ArgumentException("the start vector is zero");
        _basis[0].copy_(v.div_(norm));
    }

    public int Steps => _alphas.Count;
    public IReadOnlyList<double> Alphas => _alphas;
    public IReadOnlyList<double> Betas => _betas;
    /// <summary>β of the last step: the size of the residual that leaves the Krylov space.</summary>
    public double LastBeta => _betas.Count == 0 ? 0 : _betas[^1];
    public bool BrokeDown { get; private set; }

    /// <summary>Basis vectors v_0..v_{Steps-1} as rows (a view).</summary>
    public Tensor Basis => _basis.narrow(0, 0, Steps);

    /// <summary>
    /// One step: w = A v_j − α_j v_j − β_{j−1} v_{j−1}, reorthogonalized against all of V.
    /// Returns false when the Krylov space is exhausted (β_j ≈ 0) and <paramref name="restart"/>
    /// is false or no dimension is left.
    /// </summary>
    public bool Step(bool restart)
    {
        int j = Steps;
        if (j >= _basis.shape[0] - 1 || BrokeDown) return false;
        using var scope = NewDisposeScope();
        var v = _basis[j];
        var w = _op.Apply(v);
        double alpha = Reductions.Dot(w, v);
        w.add_(v, -alpha);
        if (j > 0) w.add_(_basis[j - 1], -_betas[j - 1]);
        var V = _basis.narrow(0, 0, j + 1);
        Orthogonalization.Project(V, w, normalizedRows: true);
        double beta = Reductions.Norm(w);
        _alphas.Add(alpha);
        double scale = Math.Max(Math.Abs(alpha), j > 0 ? _betas[j - 1] : 0);
        bool breakdown = beta <= 1e-10 * Math.Max(scale, 1e-300) || !(beta > 0);
        if (breakdown)
        {
            if (!restart || j + 1 >= _op.Dimension) { _betas.Add(0); BrokeDown = true; return false; }
            // The Krylov space is invariant: continue with a random vector orthogonal to it. T gets a
            // zero off-diagonal entry, so the new block's Ritz values are eigenvalues too.
            var r = RandomVectors.Gaussian(_op.Dimension, _op.DType, _generator, _op.Device);
            Orthogonalization.Project(V, r, normalizedRows: true);
            _betas.Add(0);
            _basis[j + 1].copy_(r.div_(Reductions.Norm(r)));
            return true;
        }
        _betas.Add(beta);
        _basis[j + 1].copy_(w.div_(beta));
        return true;
    }

    /// <summary>Eigen-decomposition of the current T (float64): eigenvalues ascending, eigenvectors as columns.</summary>
    public (double[] Values, double[,] Vectors) Ritz()
    {
        int m = Steps;
        using var scope = NewDisposeScope();
        var t = zeros(m, m, dtype: ScalarType.Float64);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = _alphas[i];
            if (i + 1 < m) { t[i, i + 1] = _betas[i]; t[i + 1, i] = _betas[i]; }
        }
        var (values, vectors) = linalg.eigh(t);
        var vals = values.data<double>().ToArray();
        var vecData = vectors.contiguous().data<double>().ToArray();
        var vecs = new double[m, m];
        for (int i = 0; i < m; i++) for (int k = 0; k < m; k++) vecs[i, k] = vecData[i * m + k];
        return (vals, vecs);
    }

    /// <summary>The Ritz vector V·u for column <paramref name="column"/> of T's eigenvectors, as a new tensor.</summary>
    public Tensor RitzVector(double[,] vectors, int column)
    {
        int m = Steps;
        var u = new double[m];
        for (int i = 0; i < m; i++) u[i] = vectors[i, column];
        using var scope = NewDisposeScope();
        var coefficients = tensor(u, dtype: ScalarType.Float64).to(_op.DType).to(_op.Device);
        return Basis.t().mv(coefficients).MoveToOuterDisposeScope();
    }

    public void Dispose() => _basis.Dispose();
}
