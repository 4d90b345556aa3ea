namespace Lla.Studies;

/// <summary>
/// Is one measure's across-dataset ρ higher than another's on the same models? The difference
/// ρ_A − ρ_B of the Spearman correlations of direction·Δmeasure with the accuracy drop, with a 95%
/// percentile interval from a bootstrap that resamples models and recomputes both ρ on the same
/// resample (a paired test: both measures see the same models, so their errors are correlated and
/// two separate intervals would be too wide, or an interval against a point too narrow). Only the
/// datasets where both measures are finite enter.
/// </summary>
public static class PairedComparison
{
    /// <param name="groups">Per model, its (accuracy drop, direction_A·ΔA, direction_B·ΔB) points.</param>
    public static CorrelationEstimate Difference(IReadOnlyList<IReadOnlyList<(double Drop, double A, double B)>> groups, int resamples, long seed)
    {
        static double Statistic(IEnumerable<IReadOnlyList<(double Drop, double A, double B)>> chosen)
        {
            var all = chosen.SelectMany(g => g).ToList();
            var drops = all.Select(p => p.Drop).ToList();
            return Correlation.Spearman(drops, all.Select(p => p.A).ToList()) - Correlation.Spearman(drops, all.Select(p => p.B).ToList());
        }
        var usable = groups.Where(g => g.Count > 0).ToList();
        double value = Statistic(usable);
        var random = new Random(unchecked((int)seed));
        var draws = new List<double>(resamples);
        for (int r = 0; r < resamples && usable.Count > 0; r++)
        {
            double d = Statistic(Enumerable.Range(0, usable.Count).Select(_ => usable[random.Next(usable.Count)]));
            if (double.IsFinite(d)) draws.Add(d);
        }
        draws.Sort();
        double low = draws.Count > 0 ? ClusterBootstrap.Quantile(draws, 0.025) : double.NaN;
        double high = draws.Count > 0 ? ClusterBootstrap.Quantile(draws, 0.975) : double.NaN;
        return new CorrelationEstimate(value, low, high, usable.Sum(g => g.Count), usable.Count, draws.Count, resamples);
    }

    /// <summary>Fewer models than this give too few distinct resamples for a 95% interval to mean much (4 models: 35).</summary>
    public const int MinimumModels = 5;
    /// <summary>The share of resamples where both ρ are defined below which the interval is not trusted.</summary>
    public const double MinimumValidShare = 0.9;

    /// <summary>
    /// "beat" when the difference's interval lies above 0, "lost to" when below, otherwise "did not separate
    /// from"; "could not be compared with" when there are fewer than <see cref="MinimumModels"/> models or
    /// fewer than 90% of the resamples gave both correlations.
    /// </summary>
    public static string Verdict(CorrelationEstimate difference) =>
        difference.Groups < MinimumModels || difference.ValidResamples < MinimumValidShare * difference.Resamples ? "could not be compared with"
        : difference.Low > 0 ? "beat" : difference.High < 0 ? "lost to" : "did not separate from";
}
