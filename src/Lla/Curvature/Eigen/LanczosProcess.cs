using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The Lanczos three-term recurrence with full reorthogonalization against every basis vector so
/// far (twice per step), which keeps the basis orthogonal to rounding level and prevents the
/// "ghost" copies of eigenvalues that windowed reorthogonalization produces. Keeps the basis V as
/// rows of one preallocated matrix of <c>capacity + 1</c> rows (the last one for the next vector,
/// <see cref="LanczosRows"/>) and the projected matrix T = VᵀAV: tridiagonal (alphas on the diagonal, betas beside it) until a
/// <see cref="Restart"/>, after which its leading block is diagonal (the kept Ritz values) with an
/// arrow row and column coupling them to the next vector (Wu and Simon 2000, thick restart).
/// With the rows stored in a smaller dtype than the operator's, the recurrence itself stays in the operator's: the
/// current and the previous Lanczos vector are also held unrounded (two more vectors), so A, α and β see exact
/// vectors and w is reorthogonalized exactly against those two; only the reorthogonalization against older rows, the
/// Ritz vectors and a restart's rotation read rounded rows. Against the last two rows rounded, the rounding error of a
/// localized vector (a few large entries) made spurious coefficients of order u·β: on a known spectrum of 20,000 the
/// top float16 Ritz value was then 2.7e-5 off float32's, and 2e-7 off with the exact pair (LanczosBasisDTypeTests).
/// </summary>
internal sealed class LanczosProcess : IDisposable
{
    private readonly ILinearOperator _op;
    private readonly LanczosRows _basis; // capacity + 1 rows
    private readonly double[,] _t;  // T; column j above the diagonal is set before step j
    private readonly Generator _generator;
    private int _size;
    // With rounded rows: the unrounded row _size (the vector the next step applies A to) and row _size − 1 (null after a restart).
    private Tensor? _current, _previous;

    public LanczosProcess(ILinearOperator op, int capacity, Tensor start, Generator generator, ScalarType? storage = null)
    {
        _op = op;
        _generator = generator;
        Capacity = (int)Math.Min(capacity, op.Dimension);
        _basis = new LanczosRows(Capacity + 1, op.Dimension, storage ?? op.DType, op.DType, op.Device);
        _t = new double[Capacity + 1, Capacity + 1];
        using var scope = NewDisposeScope();
        var v = start.to(op.DType).clone();
        double norm = Reductions.Norm(v);
        if (!(norm > 0)) throw new ArgumentException("the start vector is zero");
        Advance(0, v.div_(norm));
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
        var v = _current ?? _basis.Row(j);
        var w = _op.Apply(v);
        Applications++;
        double alpha = Reductions.Dot(w, v);
        w.add_(v, -alpha);
        double scale = Math.Abs(alpha);
        for (int i = 0; i < j; i++)
        {
            if (_t[i, j] == 0) continue;
            if (i == j - 1 && _previous is not null) w.add_(_previous, -_t[i, j]);
            else
            {
                // A decoded row is a whole vector: freed at once, not at the end of the step (a restart's l couplings).
                using var inner = NewDisposeScope();
                w.add_(_basis.Row(i), -_t[i, j]);
            }
            scale = Math.Max(scale, Math.Abs(_t[i, j]));
        }
        _basis.Project(j + 1, w, Unrounded(j + 1));
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
            _basis.Project(j + 1, r, Unrounded(j + 1));
            Advance(j + 1, r.div_(Reductions.Norm(r)));
            return true;
        }
        LastBeta = beta;
        _t[j, j + 1] = _t[j + 1, j] = beta;
        Advance(j + 1, w.div_(beta));
        return true;
    }

    /// <summary>The unrounded copies of the last rows of the first <paramref name="count"/> (the current and the previous vector), in row order.</summary>
    private Tensor[] Unrounded(int count) =>
        _current is null ? Array.Empty<Tensor>() : _previous is null || count < 2 ? new[] { _current } : new[] { _previous, _current };

    /// <summary>Stores the next Lanczos vector as row <paramref name="row"/>; with rounded rows keeps it (and the current one) unrounded too.</summary>
    private void Advance(int row, Tensor next)
    {
        _basis.Set(row, next);
        if (_basis.Exact) return;
        _previous?.Dispose();
        _previous = _current;
        _current = next.clone().DetachFromDisposeScope();
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
        return _basis.Combine(coefficients).MoveToOuterDisposeScope();
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
            _basis.Rotate(rotation);
            _basis.Copy(m, l);
        }
        // Row l is the next vector v_m, whose unrounded copy is _current; row l − 1 is a Ritz vector now.
        _previous?.Dispose();
        _previous = null;
        Array.Clear(_t);
        for (int i = 0; i < l; i++)
        {
            _t[i, i] = ritz.Values[keep[i]];
            _t[i, l] = _t[l, i] = LastBeta * ritz.Vectors[m - 1, keep[i]];
        }
        _size = l;
        Restarts++;
    }

    public void Dispose()
    {
        _basis.Dispose();
        _current?.Dispose();
        _previous?.Dispose();
    }
}
