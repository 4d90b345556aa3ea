namespace Lla.Studies.Scoring;

/// <summary>
/// Scores a measure across the models of a zoo (METHOD.md "Scoring a measure", after Jiang et al.
/// 2020 and Dziugaite et al. 2020). A group (environment) of axis i is the set of models that share
/// the values of every other axis, so within it only axis i changes.
/// <list type="bullet">
/// <item>τ: Kendall τ_b of the measure against the gap over all models with a value; interval: a
/// bootstrap that resamples models.</item>
/// <item>Ψ = mean over axes of ψ_i, ψ_i = mean over the groups of axis i of τ_b within the group;
/// groups where τ_b is undefined (constant gap or measure) are skipped and counted; interval: a
/// bootstrap that resamples each axis's groups.</item>
/// <item>Sign-error: for each pair of models in a group, (1 − sgn(Δmeasure)·sgn(Δgap))/2 with weight
/// w = max(0, 1 − 2·exp(−2n(Δgap/2)²))² (n: the test-set size), pairs with w &lt; 0.5 left out. An
/// environment's sign-error is the w-weighted mean over its kept pairs (our choice where METHOD.md
/// leaves it open: one pair per environment in a 2-level factorial, where it is that pair's
/// error); reported: the mean (with a bootstrap interval over environments), the 90th percentile
/// (linear interpolation between order statistics) and the max over the environments that kept a pair.</item>
/// <item>CMI: the PGDL competition's conditional mutual information over ordered pairs of axes
/// (<see cref="ConditionalMutualInformation"/>); no interval.</item>
/// </list>
/// </summary>
public static class AcrossModelScoring
{
    public const double MinimumPairWeight = 0.5;

    /// <summary>Bytes the bootstrap draws of one measure may hold at once: three lists of <paramref name="resamples"/> doubles (τ's, then Ψ's and the sign-error's).</summary>
    public static double DrawBytes(long resamples) => 3.0 * sizeof(double) * resamples;

    /// <param name="drawn">Told how many bootstrap draws were just made: 2 × <paramref name="resamples"/> in all (τ's draws, then Ψ's and the sign-error's together).</param>
    public static MeasureScore Score(IReadOnlyList<ZooModel> zoo, IReadOnlyList<string> axes, string measure, int testSize, int resamples, long seed,
        Action<long>? drawn = null)
    {
        var models = zoo.Where(m => m.Measures.TryGetValue(measure, out double v) && double.IsFinite(v)).ToList();
        double Value(ZooModel m) => m.Measures[measure];

        var singletons = models.Select(m => (IReadOnlyList<(double, double)>)new[] { (Value(m), m.Gap) }).ToList();
        // The bootstrap calls the statistic once for the estimate, then once per draw.
        bool estimated = false;
        var tau = ClusterBootstrap.Estimate(singletons, drawn is null ? KendallTau.B : (x, y) =>
        {
            if (estimated) drawn(1); else estimated = true;
            return KendallTau.B(x, y);
        }, resamples, seed);
        if (singletons.Count == 0) drawn?.Invoke(resamples); // no model has a value: no draws were made

        var perAxis = new Dictionary<string, double>();
        var groupTaus = new List<double[]>();
        var environments = new List<double>();
        int skipped = 0, environmentCount = 0;
        foreach (string axis in axes)
        {
            var taus = new List<double>();
            foreach (var group in Groups(models, axes, axis))
            {
                double t = KendallTau.B(group.Select(Value).ToList(), group.Select(m => m.Gap).ToList());
                if (double.IsFinite(t)) taus.Add(t); else skipped++;
                environmentCount++;
                if (EnvironmentSignError(group, axis, Value, testSize) is double error) environments.Add(error);
            }
            perAxis[axis] = taus.Count > 0 ? taus.Average() : double.NaN;
            if (taus.Count > 0) groupTaus.Add(taus.ToArray());
        }

        var random = new Random(unchecked((int)(seed ^ 0x5A17)));
        var psiDraws = new List<double>(resamples);
        var signDraws = new List<double>(resamples);
        for (int r = 0; r < resamples; r++)
        {
            if (groupTaus.Count > 0) psiDraws.Add(groupTaus.Average(t => Enumerable.Range(0, t.Length).Average(_ => t[random.Next(t.Length)])));
            if (environments.Count > 0) signDraws.Add(Enumerable.Range(0, environments.Count).Average(_ => environments[random.Next(environments.Count)]));
            drawn?.Invoke(1);
        }
        var sorted = environments.Order().ToList();
        return new MeasureScore
        {
            Name = measure,
            Models = models.Count,
            ModelsWithoutValue = zoo.Count - models.Count,
            Tau = new Interval(tau.Value, tau.Low, tau.High),
            Psi = WithInterval(groupTaus.Count > 0 ? groupTaus.Average(t => t.Average()) : double.NaN, psiDraws),
            PsiPerAxis = perAxis,
            PsiGroupsSkipped = skipped,
            SignErrorMean = WithInterval(environments.Count > 0 ? environments.Average() : double.NaN, signDraws),
            SignErrorP90 = sorted.Count > 0 ? ClusterBootstrap.Quantile(sorted, 0.9) : double.NaN,
            SignErrorMax = sorted.Count > 0 ? sorted[^1] : double.NaN,
            Environments = environmentCount,
            EnvironmentsKept = environments.Count,
            Cmi = ConditionalMutualInformation.Score(zoo, axes, measure),
        };
    }

    /// <summary>The weight of a pair whose gaps differ by <paramref name="gapDifference"/> on a test set of <paramref name="testSize"/>: max(0, 1 − 2·exp(−2n(Δgap/2)²))².</summary>
    public static double PairWeight(double gapDifference, int testSize)
    {
        double w = Math.Max(0, 1 - 2 * Math.Exp(-2.0 * testSize * Math.Pow(gapDifference / 2, 2)));
        return w * w;
    }

    /// <summary>The groups of models that differ only in <paramref name="axis"/> (at least two models each).</summary>
    public static IEnumerable<List<ZooModel>> Groups(IReadOnlyList<ZooModel> models, IReadOnlyList<string> axes, string axis) =>
        models.GroupBy(m => string.Join('\u001f', axes.Where(a => a != axis).Select(a => m.Axes[a])))
            .Select(g => g.ToList()).Where(g => g.Count >= 2);

    /// <summary>The w-weighted mean sign-error of an environment's coupled pairs: models whose <paramref name="axis"/> values differ (replicates that share it are not a coupled pair).</summary>
    private static double? EnvironmentSignError(List<ZooModel> group, string axis, Func<ZooModel, double> value, int testSize)
    {
        double weighted = 0, weights = 0;
        for (int i = 0; i < group.Count; i++)
            for (int j = i + 1; j < group.Count; j++)
            {
                if (group[i].Axes[axis] == group[j].Axes[axis]) continue;
                double gapDifference = group[i].Gap - group[j].Gap;
                double w = PairWeight(gapDifference, testSize);
                if (w < MinimumPairWeight) continue;
                weighted += w * (1 - Math.Sign(value(group[i]) - value(group[j])) * Math.Sign(gapDifference)) / 2.0;
                weights += w;
            }
        return weights > 0 ? weighted / weights : null;
    }

    private static Interval WithInterval(double value, List<double> draws)
    {
        if (draws.Count == 0 || !double.IsFinite(value)) return new Interval(value, double.NaN, double.NaN);
        draws.Sort();
        return new Interval(value, ClusterBootstrap.Quantile(draws, 0.025), ClusterBootstrap.Quantile(draws, 0.975));
    }
}
