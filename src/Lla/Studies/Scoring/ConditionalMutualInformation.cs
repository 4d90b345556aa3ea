namespace Lla.Studies.Scoring;

/// <summary>
/// One ordered pair of axes (h1, h2) of the CMI score: the model pairs split into
/// <see cref="Slices"/> slices by (h1_i, h1_j, h2_i, h2_j), and the mean over all of them (empty ones
/// counted as 0) of I(V_g; V_m) and of H(V_g), in bits.
/// </summary>
public sealed record CmiPairScore(string Axis1, string Axis2, long Slices, long EmptySlices, double MeanInformation, double MeanGapEntropy)
{
    /// <summary>Skipped: mean H(V_g) = 0, no slice holds model pairs whose gaps order differently, so the ratio is undefined.</summary>
    public bool Skipped => !(MeanGapEntropy > 0);

    /// <summary>score(h1, h2) = mean I / mean H(V_g); NaN when <see cref="Skipped"/>.</summary>
    public double Score => Skipped ? double.NaN : MeanInformation / MeanGapEntropy;
}

/// <summary>
/// A measure's CMI score: the minimum of <see cref="CmiPairScore.Score"/> over the ordered pairs of axes
/// that are not skipped; null, with <see cref="Reason"/>, when no pair can be scored.
/// </summary>
public sealed record CmiScore(double? Value, string? Reason, IReadOnlyList<CmiPairScore> Pairs, int Models, int ModelsLeftOut)
{
    public int PairsSkipped => Pairs.Count(p => p.Skipped);
}

/// <summary>
/// The PGDL competition's conditional mutual information score (Jiang et al. 2020; METHOD.md "Scoring a
/// measure", CMI). For each ordered pair of distinct axes (h1, h2): every ordered pair of models (i, j),
/// i = j included as the competition's scoring program does, gives V_g = [gap_i &gt; gap_j] and
/// V_m = [m_i &gt; m_j] (a tie is "not greater"); the pairs are split by (h1_i, h1_j, h2_i, h2_j) over every
/// combination of the axes' values (taken over the whole zoo); in each slice I(V_g; V_m) and H(V_g) in bits,
/// an empty slice 0 for both but counted; score(h1, h2) = mean I / mean H(V_g). Pairs whose mean H(V_g) is
/// 0 are skipped; CMI = the minimum over the others. The measure must be oriented (a larger value predicts
/// a larger gap): the i = j pairs make the score change under negation. Models without a finite value are
/// left out and counted. The competition reports 100 × CMI; this is the 0–1 value.
/// </summary>
public static class ConditionalMutualInformation
{
    public const string NoModelReason = "no model has a value of the measure";
    public const string NoScorablePairReason =
        "every pair of axes has mean H(V_g) = 0: no slice holds model pairs whose gaps order differently (a grid with one model per cell over two axes puts one model pair in each slice)";

    public static string FewerThanTwoAxesReason(int axes) =>
        $"fewer than two axes ({axes}): CMI conditions on ordered pairs of distinct axes";

    public static CmiScore Score(IReadOnlyList<ZooModel> zoo, IReadOnlyList<string> axes, string measure)
    {
        var models = zoo.Where(m => m.Measures.TryGetValue(measure, out double v) && double.IsFinite(v)).ToList();
        int leftOut = zoo.Count - models.Count;
        if (axes.Count < 2) return new CmiScore(null, FewerThanTwoAxesReason(axes.Count), Array.Empty<CmiPairScore>(), models.Count, leftOut);

        // Each axis's values over the whole zoo (as the competition takes them from the declared grid), and each scored model's index among them.
        var levels = axes.Select(a =>
        {
            var index = zoo.Select(m => m.Axes[a]).Distinct().Order(StringComparer.Ordinal).Select((v, k) => (v, k)).ToDictionary(x => x.v, x => x.k);
            return (Count: (long)index.Count, Of: models.Select(m => (long)index[m.Axes[a]]).ToArray());
        }).ToArray();
        double[] gap = models.Select(m => m.Gap).ToArray();
        double[] value = models.Select(m => m.Measures[measure]).ToArray();

        var pairs = new List<CmiPairScore>();
        for (int a = 0; a < axes.Count; a++)
            for (int b = 0; b < axes.Count; b++)
                if (a != b) pairs.Add(Pair(axes[a], axes[b], levels[a], levels[b], gap, value));

        var scored = pairs.Where(p => !p.Skipped).ToList();
        if (scored.Count == 0) return new CmiScore(null, models.Count == 0 ? NoModelReason : NoScorablePairReason, pairs, models.Count, leftOut);
        return new CmiScore(scored.Min(p => p.Score), null, pairs, models.Count, leftOut);
    }

    private static CmiPairScore Pair(string axis1, string axis2, (long Count, long[] Of) h1, (long Count, long[] Of) h2, double[] gap, double[] value)
    {
        long slices = h1.Count * h1.Count * h2.Count * h2.Count;
        // Counts per populated slice, indexed 2·V_g + V_m.
        var counts = new Dictionary<long, long[]>();
        for (int i = 0; i < gap.Length; i++)
            for (int j = 0; j < gap.Length; j++)
            {
                long slice = ((h1.Of[i] * h1.Count + h1.Of[j]) * h2.Count + h2.Of[i]) * h2.Count + h2.Of[j];
                if (!counts.TryGetValue(slice, out var c)) counts[slice] = c = new long[4];
                c[(gap[i] > gap[j] ? 2 : 0) + (value[i] > value[j] ? 1 : 0)]++;
            }
        double information = 0, entropy = 0;
        foreach (var c in counts.Values)
        {
            information += MutualInformation(c);
            entropy += Entropy(c[0] + c[1], c[2] + c[3]);
        }
        return new CmiPairScore(axis1, axis2, slices, slices - counts.Count, information / slices, entropy / slices);
    }

    /// <summary>I(V_g; V_m) in bits of a 2×2 table of counts (index 2·V_g + V_m): Σ p(g, m) log2(p(g, m) / (p(g) p(m))).</summary>
    public static double MutualInformation(IReadOnlyList<long> c)
    {
        double n = c[0] + c[1] + c[2] + c[3];
        double[] g = { c[0] + c[1], c[2] + c[3] }, m = { c[0] + c[2], c[1] + c[3] };
        double sum = 0;
        for (int k = 0; k < 4; k++)
            if (c[k] > 0) sum += c[k] / n * Math.Log2(c[k] * n / (g[k / 2] * m[k % 2]));
        return sum;
    }

    /// <summary>The entropy in bits of a binary variable seen <paramref name="zeros"/> and <paramref name="ones"/> times (0·log 0 = 0).</summary>
    public static double Entropy(long zeros, long ones)
    {
        double n = zeros + ones, sum = 0;
        foreach (long k in new[] { zeros, ones })
            if (k > 0) sum -= k / n * Math.Log2(k / n);
        return sum;
    }
}
