using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The rows of a Lanczos basis (unit vectors), stored in the analysis dtype or in a smaller one (`--lanczos-basis-dtype`,
/// docs/eigenpairs.md "The basis's dtype"). In the analysis dtype every operation is the plain one on the matrix of rows.
/// In a smaller dtype a row is rounded once when stored, and every product with the rows (the reorthogonalization's
/// dot products and subtractions, a Ritz vector, a restart's rotation) is computed in the analysis dtype a block of
/// columns at a time, so no full-precision copy of the basis ever exists. float16 rows are stored times
/// <see cref="Scale"/> (a power of two near √D): a unit vector's entries, about 1/√D, would otherwise sit in float16's
/// subnormal range (below 6.1e-5) and lose their digits; scaled, they are about 1 and at most 2^14 (no overflow, since
/// every entry of a unit vector is at most 1). bfloat16 has float32's range and is stored unscaled.
/// </summary>
internal sealed class LanczosRows : IDisposable
{
    private readonly Tensor _rows; // [count, n] in the storage dtype

    public LanczosRows(long count, long dimension, ScalarType storage, ScalarType analysis, Device device)
    {
        Storage = storage;
        Analysis = analysis;
        Dimension = dimension;
        Scale = ScaleFor(storage, dimension);
        // Uninitialized: only rows already written are ever read, and the pages of rows never reached are never
        // touched, so a run that converges in 11 steps of a 140-vector float64 ResNet-18 basis holds 12 rows in
        // memory, not 141 (zeros wrote all 12.6 GB: a peak resident size of 13.6 GB, measured).
        _rows = empty(count, dimension, dtype: storage, device: device);
    }

    public ScalarType Storage { get; }
    public ScalarType Analysis { get; }
    public long Dimension { get; }
    /// <summary>Stored rows are the rows times this (1 except for float16).</summary>
    public double Scale { get; }
    /// <summary>Rows are stored in the analysis dtype: read as views, no rounding.</summary>
    public bool Exact => Storage == Analysis;

    /// <summary>Columns decoded at once in a smaller dtype: the block over which <see cref="Reductions"/> sums float32 terms.</summary>
    private const long Columns = Reductions.Block;

    /// <summary>float16: the power of two nearest √D, at most 2^14; 1 otherwise.</summary>
    public static double ScaleFor(ScalarType storage, long dimension) =>
        storage == ScalarType.Float16 ? Math.Pow(2, Math.Min(14, Math.Round(Math.Log2(Math.Sqrt(dimension))))) : 1;

    /// <summary>Row <paramref name="i"/> in the analysis dtype: a view when <see cref="Exact"/>, a decoded copy otherwise.</summary>
    public Tensor Row(int i)
    {
        if (Exact) return _rows[i];
        using var scope = NewDisposeScope();
        return Decode(_rows[i]).MoveToOuterDisposeScope();
    }

    /// <summary>Stores <paramref name="v"/> (analysis dtype) as row <paramref name="i"/>, rounded to the storage dtype.</summary>
    public void Set(int i, Tensor v)
    {
        using var scope = NewDisposeScope();
        var row = _rows[i];
        if (Scale == 1) row.copy_(v);
        else row.copy_(v.mul(Scale));
    }

    /// <summary>Row <paramref name="to"/> becomes row <paramref name="from"/> (as stored, no rounding).</summary>
    public void Copy(int from, int to)
    {
        using var scope = NewDisposeScope();
        _rows[to].copy_(_rows[from]);
    }

    /// <summary>
    /// Removes from <paramref name="w"/> its components along rows 0..<paramref name="count"/>−1, twice
    /// (<see cref="Orthogonalization.Project"/>). With rounded rows, the last rows can be given unrounded
    /// (<paramref name="unrounded"/>, in row order): their components are then removed exactly.
    /// </summary>
    public void Project(int count, Tensor w, IReadOnlyList<Tensor>? unrounded = null)
    {
        if (Exact)
        {
            using var scope = NewDisposeScope();
            Orthogonalization.Project(_rows.narrow(0, 0, count), w, normalizedRows: true);
            return;
        }
        var tail = unrounded ?? Array.Empty<Tensor>();
        int rounded = count - tail.Count;
        long n = Dimension;
        for (int pass = 0; pass < 2; pass++)
        {
            using var scope = NewDisposeScope();
            var tailCoefficients = tail.Select(v => Reductions.Dot(v, w)).ToArray();
            if (rounded > 0)
            {
                // Each row's dot product summed over blocks in float64, as Reductions.RowDots.
                var sum = zeros(rounded, dtype: ScalarType.Float64, device: w.device);
                for (long start = 0; start < n; start += Columns)
                {
                    using var inner = NewDisposeScope();
                    long width = Math.Min(Columns, n - start);
                    sum.add_(Block(rounded, start, width).mv(w.narrow(0, start, width)));
                }
                var coefficients = sum.to(Analysis);
                for (long start = 0; start < n; start += Columns)
                {
                    using var inner = NewDisposeScope();
                    long width = Math.Min(Columns, n - start);
                    w.narrow(0, start, width).sub_(Block(rounded, start, width).t().mv(coefficients));
                }
            }
            for (int i = 0; i < tail.Count; i++) w.add_(tail[i], -tailCoefficients[i]);
        }
    }

    /// <summary>Σ_i c_i row_i over rows 0..c.Length−1, in the analysis dtype (a Ritz vector); a new tensor.</summary>
    public Tensor Combine(Tensor coefficients)
    {
        int count = (int)coefficients.shape[0];
        using var scope = NewDisposeScope();
        if (Exact) return _rows.narrow(0, 0, count).t().mv(coefficients).MoveToOuterDisposeScope();
        var result = empty(Dimension, dtype: Analysis, device: coefficients.device);
        for (long start = 0; start < Dimension; start += Columns)
        {
            using var inner = NewDisposeScope();
            long width = Math.Min(Columns, Dimension - start);
            result.narrow(0, start, width).copy_(Block(count, start, width).t().mv(coefficients));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows 0..l−1 become <paramref name="rotation"/> [l, m] times rows 0..m−1, in place a block of columns at a time
    /// (no second basis): a thick restart's Ritz vectors.
    /// </summary>
    public void Rotate(Tensor rotation)
    {
        long l = rotation.shape[0], m = rotation.shape[1];
        long block = Exact ? Math.Max(1024, (1L << 22) / m) : Columns;
        for (long c = 0; c < Dimension; c += block)
        {
            using var inner = NewDisposeScope();
            long width = Math.Min(block, Dimension - c);
            var rotated = rotation.mm(Exact ? _rows.narrow(0, 0, m).narrow(1, c, width) : Block((int)m, c, width));
            var target = _rows.narrow(0, 0, l).narrow(1, c, width);
            if (Scale == 1) target.copy_(rotated);
            else target.copy_(rotated.mul_(Scale));
        }
    }

    /// <summary>Columns start..start+width−1 of rows 0..count−1, decoded to the analysis dtype.</summary>
    private Tensor Block(int count, long start, long width) => Decode(_rows.narrow(0, 0, count).narrow(1, start, width));

    private Tensor Decode(Tensor stored)
    {
        var values = stored.to(Analysis);
        return Scale == 1 ? values : values.mul_(1 / Scale);
    }

    public void Dispose() => _rows.Dispose();
}
