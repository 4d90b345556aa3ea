namespace Lla.Studies;

/// <summary>Pearson and Spearman correlation coefficients (Spearman: Pearson of average ranks, so ties are handled).</summary>
public static class Correlation
{
    /// <summary>Pearson's r; NaN when fewer than two points or when either variable is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        int n = x.Count;
        if (n < 2) return double.NaN;
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Ranks 1..n, tied values sharing the mean of their ranks.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        int n = values.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}

/// <summary>A correlation with a percentile bootstrap interval.</summary>
public sealed record CorrelationEstimate(double Value, double Low, double High, int Points, int Groups, int ValidResamples, int Resamples)
{
    /// <summary>The interval lies entirely below zero.</summary>
    public bool Negative => High < 0;
    /// <summary>The interval lies entirely above zero.</summary>
    public bool Positive => Low > 0;
}

/// <summary>
/// A cluster bootstrap: points come in groups that are not independent (all pairs of one model),
/// so each resample draws whole groups with replacement and keeps every point of a drawn group.
/// Resamples where the statistic is undefined (a constant variable) are dropped and counted.
/// </summary>
public static class ClusterBootstrap
{
    public static CorrelationEstimate Estimate(
        IReadOnlyList<IReadOnlyList<(double X, double Y)>> groups,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic,
        int resamples, long seed, double confidence = 0.95)
    {
        var all = groups.SelectMany(g => g).ToList();
        double value = statistic(all.Select(p => p.X).ToList(), all.Select(p => p.Y).ToList());
        var random = new Random(unchecked((int)seed));
        var draws = new List<double>(resamples);
        var xs = new List<double>();
        var ys = new List<double>();
        for (int r = 0; r < resamples && groups.Count > 0; r++)
        {
            xs.Clear();
            ys.Clear();
            for (int g = 0; g < groups.Count; g++)
                foreach (var (x, y) in groups[random.Next(groups.Count)]) { xs.Add(x); ys.Add(y); }
            double s = statistic(xs, ys);
            if (double.IsFinite(s)) draws.Add(s);
        }
        draws.Sort();
        double alpha = (1 - confidence) / 2;
        double low = draws.Count > 0 ? Quantile(draws, alpha) : double.NaN;
        double high = draws.Count > 0 ? Quantile(draws, 1 - alpha) : double.NaN;
        return new CorrelationEstimate(value, low, high, all.Count, groups.Count, draws.Count, resamples);
    }

    /// <summary>Linear interpolation between order statistics (the "type 7" quantile).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
