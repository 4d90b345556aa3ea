using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The Lanczos three-term recurrence with full reorthogonalization against every basis vector so
/// far (twice per step), which keeps the basis orthogonal to rounding level and prevents the
/// "ghost" copies of eigenvalues that windowed reorthogonalization produces. Keeps the basis V as
/// rows of one preallocated matrix of <c>capacity + 1</c> rows (the last one for the next vector)
/// and the projected matrix T = VᵀAV: tridiagonal (alphas on the diagonal, betas beside it) until a
/// <see cref="Restart"/>, after which its leading block is diagonal (the kept Ritz values) with an
/// arrow row and column coupling them to the next vector (Wu and Simon 2000, thick restart).
/// </summary>
internal sealed class LanczosProcess : IDisposable
{
    private readonly ILinearOperator _op;
    private readonly Tensor _basis; // [capacity + 1, n]
    private readonly double[,] _t;  // T; column j above the diagonal is set before step j
    private readonly Generator _generator;
    private int _size;

    public LanczosProcess(ILinearOperator op, int capacity, Tensor start, Generator generator)
    {
        _op = op;
        _generator = generator;
        Capacity = (int)Math.Min(capacity, op.Dimension);
        // Uninitialized: only rows already written are ever read, and the pages of rows never reached are never
        // touched, so a run that converges in 11 steps of a 140-vector float64 ResNet-18 basis holds 12 rows in
        // memory, not 141 (zeros wrote all 12.6 GB: a peak resident size of 13.6 GB, measured).
        _basis = empty(Capacity + 1, op.Dimension, dtype: op.DType, device: op.Device);
        _t = new double[Capacity + 1, Capacity + 1];
        using var scope = NewDisposeScope();
        var v = start.to(op.DType).clone();
        double norm = Reductions.Norm(v);
        if (!(norm > 0)) throw new ArgumentException("the start vector is zero");
        _basis[0].copy_(v.div_(norm));
    }

    /// <summary>The most vectors T can couple (the basis holds one more: the next vector).</summary>
    public int Capacity { get; }
    /// <summary>The size of T: basis vectors v_0..v_{Steps-1} in use.</summary>
    public int Steps => _size;
    /// <summary>Operator applications so far, over all restarts.</summary>
    public int Applications { get; private set; }
    public int Restarts { get; private set; }
    /// <summary>β of the last step: the size of the residual that leaves the space of the basis.</summary>
    public double LastBeta { get; private set; }
    public bool BrokeDown { get; private set; }
    public bool Full => _size >= Capacity;

    /// <summary>Basis vectors v_0..v_{Steps-1} as rows (a view).</summary>
    public Tensor Basis => _basis.narrow(0, 0, _size);

    /// <summary>
    /// One step: w = A v_j − α_j v_j − Σ_{i&lt;j} T_ij v_i (β_{j−1} v_{j−1} in the plain recurrence, the
    /// arrow couplings after a restart), reorthogonalized against all of V. Returns false when T is
    /// full, or the space is exhausted (β_j ≈ 0) and <paramref name="continueOnBreakdown"/> is false or
    /// no dimension is left.
    /// </summary>
    public bool Step(bool continueOnBreakdown)
    {
        int j = _size;
        if (j >= Capacity || BrokeDown) return false;
        using var scope = NewDisposeScope();
        var v = _basis[j];
        var w = _op.Apply(v);
        Applications++;
        double alpha = Reductions.Dot(w, v);
        w.add_(v, -alpha);
        double scale = Math.Abs(alpha);
        for (int i = 0; i < j; i++)
        {
            if (_t[i, j] == 0) continue;
            w.add_(_basis[i], -_t[i, j]);
            scale = Math.Max(scale, Math.Abs(_t[i, j]));
        }
        var V = _basis.narrow(0, 0, j + 1);
        Orthogonalization.Project(V, w, normalizedRows: true);
        double beta = Reductions.Norm(w);
        _t[j, j] = alpha;
        _size = j + 1;
        bool breakdown = beta <= 1e-10 * Math.Max(scale, 1e-300) || !(beta > 0);
        if (breakdown)
        {
            LastBeta = 0;
            if (!continueOnBreakdown || j + 1 >= _op.Dimension) { BrokeDown = true; return false; }
            // The space is invariant: continue with a random vector orthogonal to it. T gets a zero
            // coupling, so the new block's Ritz values are eigenvalues too.
            var r = RandomVectors.Gaussian(_op.Dimension, _op.DType, _generator, _op.Device);
            Orthogonalization.Project(V, r, normalizedRows: true);
            _basis[j + 1].copy_(r.div_(Reductions.Norm(r)));
            return true;
        }
        LastBeta = beta;
        _t[j, j + 1] = _t[j + 1, j] = beta;
        _basis[j + 1].copy_(w.div_(beta));
        return true;
    }

    /// <summary>Eigen-decomposition of the current T (float64): eigenvalues ascending, eigenvectors as columns.</summary>
    public (double[] Values, double[,] Vectors) Ritz()
    {
        int m = _size;
        using var scope = NewDisposeScope();
        var entries = new double[m * m];
        for (int i = 0; i < m; i++) for (int k = 0; k < m; k++) entries[i * m + k] = _t[i, k];
        var (values, vectors) = linalg.eigh(tensor(entries, new long[] { m, m }, dtype: ScalarType.Float64));
        var vals = values.data<double>().ToArray();
        var vecData = vectors.contiguous().data<double>().ToArray();
        var vecs = new double[m, m];
        for (int i = 0; i < m; i++) for (int k = 0; k < m; k++) vecs[i, k] = vecData[i * m + k];
        return (vals, vecs);
    }

    /// <summary>The Ritz vector V·u for column <paramref name="column"/> of T's eigenvectors, as a new tensor.</summary>
    public Tensor RitzVector(double[,] vectors, int column)
    {
        int m = _size;
        var u = new double[m];
        for (int i = 0; i < m; i++) u[i] = vectors[i, column];
        using var scope = NewDisposeScope();
        var coefficients = tensor(u, dtype: ScalarType.Float64).to(_op.DType).to(_op.Device);
        return Basis.t().mv(coefficients).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Thick restart (Wu and Simon 2000): the basis becomes the Ritz vectors y_i = V u_i of the kept
    /// columns of T's eigenvectors, followed by the current next vector v_m. Since
    /// A V = V T + β v_m e_mᵀ, A y_i = θ_i y_i + (β u_i[m−1]) v_m: T becomes diag(θ) with those couplings
    /// in the row and column of v_m, and the recurrence goes on from v_m with no extra application.
    /// The rotation is done in place, a block of columns at a time, so it needs no second basis.
    /// </summary>
    public void Restart((double[] Values, double[,] Vectors) ritz, IReadOnlyList<int> keep)
    {
        int m = _size, l = keep.Count;
        if (l < 1 || l >= m || BrokeDown) throw new InvalidOperationException($"a restart keeps between 1 and {m - 1} of {m} Ritz vectors (asked {l})");
        using (var scope = NewDisposeScope())
        {
            var u = new double[l * m];
            for (int i = 0; i < l; i++) for (int r = 0; r < m; r++) u[i * m + r] = ritz.Vectors[r, keep[i]];
            var rotation = tensor(u, new long[] { l, m }, dtype: ScalarType.Float64).to(_op.DType).to(_op.Device);
            long n = _op.Dimension, block = Math.Max(1024, (1L << 22) / m);
            for (long c = 0; c < n; c += block)
            {
                using var inner = NewDisposeScope();
                long width = Math.Min(block, n - c);
                var columns = _basis.narrow(0, 0, m).narrow(1, c, width);
                var rotated = rotation.mm(columns);
                _basis.narrow(0, 0, l).narrow(1, c, width).copy_(rotated);
            }
            _basis[l].copy_(_basis[m]);
        }
        Array.Clear(_t);
        for (int i = 0; i < l; i++)
        {
            _t[i, i] = ritz.Values[keep[i]];
            _t[i, l] = _t[l, i] = LastBeta * ritz.Vectors[m - 1, keep[i]];
        }
        _size = l;
        Restarts++;
    }

    public void Dispose() => _basis.Dispose();
}
