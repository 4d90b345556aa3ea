using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The Davies–Bouldin index (Davies &amp; Bouldin 1979) of labelled points with the classes as the clusters,
/// as scikit-learn's <c>davies_bouldin_score</c> defines it (and Natekar &amp; Sharma 2020 copy it): over the
/// classes present, centroid c_i = the mean of class i's points, S_i = the mean Euclidean distance of its
/// points to c_i, M_ij = ‖c_i − c_j‖₂, and DB = mean_i max_{j≠i} (S_i + S_j) / M_ij. A pair whose centroids
/// coincide (M_ij = 0) is left out of the maximum; DB = 0 when every S_i is 0 or every M_ij is 0 (both as
/// scikit-learn). In float64 throughout.
/// <para>The points come in chunks, twice (<see cref="AddToCentroids"/> over all of them, then
/// <see cref="AddToSpreads"/> over the same ones), so no more than one chunk is held at a time.</para>
/// </summary>
public sealed class DaviesBouldin : IDisposable
{
    private readonly Tensor _sums;     // [classes, D]
    private readonly Tensor _counts;   // [classes]
    private readonly Tensor _spreads;  // [classes]: Σ distance to the centroid
    private Tensor? _centroids;
    private readonly int _classes;

    /// <param name="classes">Labels lie in [0, classes).</param>
    /// <param name="dimension">D, the length of one point.</param>
    public DaviesBouldin(int classes, long dimension, Device? device = null)
    {
        _classes = classes;
        _sums = zeros(new long[] { classes, dimension }, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        _counts = zeros(new long[] { classes }, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        _spreads = zeros(new long[] { classes }, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
    }

    /// <summary>The index of <paramref name="points"/> [N, D] with class labels [N] (int64) in [0, <paramref name="classes"/>).</summary>
    public static double Index(Tensor points, Tensor labels, int classes)
    {
        using var db = new DaviesBouldin(classes, points.shape[1], points.device);
        db.AddToCentroids(points, labels);
        db.AddToSpreads(points, labels);
        return db.Index();
    }

    /// <summary>First pass: adds a chunk of points [n, D] with labels [n] to the class sums.</summary>
    public void AddToCentroids(Tensor points, Tensor labels)
    {
        if (_centroids is not null) throw new InvalidOperationException("the centroids are fixed once the spreads are being added");
        using var scope = NewDisposeScope();
        var x = points.to(ScalarType.Float64);
        _sums.index_add_(0, labels, x, 1);
        _counts.index_add_(0, labels, ones(labels.shape[0], dtype: ScalarType.Float64, device: x.device), 1);
    }

    /// <summary>Second pass: adds the distances of a chunk of points to their class centroids.</summary>
    public void AddToSpreads(Tensor points, Tensor labels)
    {
        using var scope = NewDisposeScope();
        _centroids ??= (_sums / _counts.clamp_min(1).unsqueeze(1)).DetachFromDisposeScope();
        var x = points.to(ScalarType.Float64);
        var distances = (x - _centroids.index_select(0, labels)).square().sum(1).sqrt();
        _spreads.index_add_(0, labels, distances, 1);
    }

    /// <summary>The index over the classes present; NaN with fewer than two of them.</summary>
    public double Index()
    {
        if (_centroids is null) throw new InvalidOperationException("add the spreads (second pass) before asking for the index");
        using var scope = NewDisposeScope();
        var counts = _counts.cpu().data<double>().ToArray();
        var present = Enumerable.Range(0, _classes).Where(k => counts[k] > 0).ToArray();
        int n = present.Length;
        if (n < 2) return double.NaN;
        var spreadSums = _spreads.cpu().data<double>().ToArray();
        var s = present.Select(k => spreadSums[k] / counts[k]).ToArray();
        var centroids = _centroids.index_select(0, tensor(present.Select(k => (long)k).ToArray(), device: _centroids.device));
        // M row by row (exact differences, no Gram-matrix shortcut), n·D memory at a time.
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            var row = (centroids - centroids[i]).square().sum(1).sqrt().cpu().data<double>().ToArray();
            for (int j = 0; j < n; j++) m[i, j] = row[j];
        }
        bool allSpreadsZero = s.All(v => v == 0);
        bool allDistancesZero = Enumerable.Range(0, n).All(i => Enumerable.Range(0, n).All(j => i == j || m[i, j] == 0));
        if (allSpreadsZero || allDistancesZero) return 0;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double worst = 0;
            for (int j = 0; j < n; j++)
                if (j != i && m[i, j] > 0) worst = Math.Max(worst, (s[i] + s[j]) / m[i, j]);
            total += worst;
        }
        return total / n;
    }

    public void Dispose()
    {
        _sums.Dispose();
        _counts.Dispose();
        _spreads.Dispose();
        _centroids?.Dispose();
    }
}
