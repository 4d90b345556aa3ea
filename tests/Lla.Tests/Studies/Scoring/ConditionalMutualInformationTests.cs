using Lla.Studies.Scoring;

namespace Lla.Tests.Studies.Scoring;

/// <summary>The PGDL competition's CMI score (METHOD.md "Scoring a measure", CMI): the hand-worked example of docs/scoring.md, an independent implementation, and its edge cases.</summary>
public class ConditionalMutualInformationTests
{
    private static ZooModel M(string name, IReadOnlyDictionary<string, string> axes, double gap, double measure) =>
        new(name, axes, TrainAccuracy: 0.5 + gap, TestAccuracy: 0.5, new Dictionary<string, double> { ["m"] = measure });

    private static ZooModel M(string name, string lr, string wd, double gap, double measure) =>
        M(name, new Dictionary<string, string> { ["lr"] = lr, ["wd"] = wd }, gap, measure);

    /// <summary>docs/scoring.md's example: A and B two seeds of (lr 0, wd 0), C at (1, 0), D at (1, 1).</summary>
    private static List<ZooModel> Example() => new()
    {
        M("A", "0", "0", 0.10, 1), M("B", "0", "0", 0.30, 4), M("C", "1", "0", 0.20, 3), M("D", "1", "1", 0.25, 4),
    };

    [Fact]
    public void The_hand_worked_example_of_the_docs_scores_0_792155()
    {
        var s = ConditionalMutualInformation.Score(Example(), new[] { "lr", "wd" }, "m");
        // Slice (0,0,0,0): AA, AB, BA, BB = (0,0), (0,0), (1,1), (0,0): I = H(V_g) = H(1/4) = 2 − ¾·log2 3.
        // (0,1,0,0): AC, BC = (0,0), (1,1) and (1,0,0,0): CA, CB = (1,1), (0,0): I = H = 1.
        // (0,1,0,1): AD, BD = (0,0), (1,0) (B and D tie on the measure): I = 0, H = 1. (1,0,1,0): DA, DB = (1,1), (0,0): I = H = 1.
        // CC, CD, DC, DD: one pair per slice, I = H = 0; the other 7 of the 16 slices are empty.
        double h = 2 - 0.75 * Math.Log2(3);
        Assert.Equal(2, s.Pairs.Count);
        Assert.All(s.Pairs, p =>
        {
            Assert.Equal((16L, 7L), (p.Slices, p.EmptySlices));
            Assert.Equal((h + 3) / 16, p.MeanInformation, 14);
            Assert.Equal((h + 4) / 16, p.MeanGapEntropy, 14);
        });
        Assert.Equal((h + 3) / (h + 4), s.Value!.Value, 14);
        Assert.Equal(0.792155, Math.Round(s.Value.Value, 6));
        Assert.Null(s.Reason);
        Assert.Equal((4, 0, 0), (s.Models, s.ModelsLeftOut, s.PairsSkipped));
        // The i = j pairs count: without AA and BB the first slice would be (0,0), (1,1) with I = H = 1, and CMI 4/5.
        Assert.NotEqual(0.8, s.Value.Value, 6);
    }

    [Fact]
    public void The_score_equals_an_independent_brute_force_over_every_combination_of_axis_values_on_random_zoos()
    {
        string[] axes = { "a", "b", "c" };
        var values = new Dictionary<string, string[]> { ["a"] = new[] { "0", "1", "2" }, ["b"] = new[] { "x", "y" }, ["c"] = new[] { "p", "q", "r" } };
        int defined = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var zoo = Enumerable.Range(0, 20).Select(k =>
            {
                var cell = axes.ToDictionary(a => a, a => values[a][random.Next(values[a].Length)]);
                double gap = Math.Round(random.NextDouble() * 0.3, 2); // two decimals: some gaps tie
                double measure = k == 7 ? double.NaN : Math.Round(gap * 10 + random.NextDouble() * 2, 0); // whole numbers: ties; model 7 has no value
                return M($"m{k}", cell, gap, measure);
            }).ToList();
            var s = ConditionalMutualInformation.Score(zoo, axes, "m");
            // The axes' values over the whole zoo, the model without a value included (a value may be missing from a zoo).
            var seen = axes.ToDictionary(a => a, a => zoo.Select(z => z.Axes[a]).Distinct().ToArray());
            var (value, pairs) = BruteForce(zoo.Where(z => double.IsFinite(z.Measures["m"])).ToList(), axes, seen);
            Assert.Equal((19, 1), (s.Models, s.ModelsLeftOut));
            Assert.Equal(6, s.Pairs.Count);
            foreach (var p in s.Pairs)
            {
                var (meanI, meanH) = pairs[(p.Axis1, p.Axis2)];
                Assert.Equal(meanI, p.MeanInformation, 1e-12);
                Assert.Equal(meanH, p.MeanGapEntropy, 1e-12);
                // The slices of (h1, h2) are those of (h2, h1) relabelled.
                Assert.Equal(p.MeanInformation, s.Pairs.Single(q => (q.Axis1, q.Axis2) == (p.Axis2, p.Axis1)).MeanInformation, 1e-12);
            }
            if (value is null) Assert.Null(s.Value);
            else
            {
                Assert.Equal(value.Value, s.Value!.Value, 1e-12);
                defined++;
            }
        }
        Assert.True(defined >= 35, $"only {defined} of 40 zoos had a defined CMI");
    }

    /// <summary>
    /// CMI written the other way: for each ordered pair of axes, every combination (h1_i, h1_j, h2_i, h2_j) of the axes' values enumerated
    /// in turn, the model pairs that fall in it found by scanning them all, and I = H(V_g) + H(V_m) − H(V_g, V_m) from a dictionary of joint counts.
    /// </summary>
    private static (double? Value, Dictionary<(string, string), (double MeanI, double MeanH)> Pairs) BruteForce(
        List<ZooModel> models, string[] axes, Dictionary<string, string[]> values)
    {
        static double Entropy<T>(IEnumerable<T> outcomes) where T : notnull
        {
            var counts = new Dictionary<T, int>();
            foreach (var o in outcomes) counts[o] = counts.GetValueOrDefault(o) + 1;
            double n = counts.Values.Sum();
            return -counts.Values.Sum(c => c / n * Math.Log(c / n, 2));
        }
        var result = new Dictionary<(string, string), (double, double)>();
        double best = double.PositiveInfinity;
        foreach (string h1 in axes)
            foreach (string h2 in axes.Where(x => x != h1))
            {
                var combinations = from v1 in values[h1] from w1 in values[h1] from v2 in values[h2] from w2 in values[h2] select (v1, w1, v2, w2);
                double sumI = 0, sumH = 0;
                int count = 0;
                foreach (var key in combinations)
                {
                    count++;
                    var slice = (from i in models from j in models
                                 where (i.Axes[h1], j.Axes[h1], i.Axes[h2], j.Axes[h2]) == key
                                 select (G: i.Gap > j.Gap, V: i.Measures["m"] > j.Measures["m"])).ToList();
                    if (slice.Count == 0) continue;
                    double hg = Entropy(slice.Select(x => x.G));
                    sumI += hg + Entropy(slice.Select(x => x.V)) - Entropy(slice);
                    sumH += hg;
                }
                result[(h1, h2)] = (sumI / count, sumH / count);
                if (sumH > 0) best = Math.Min(best, sumI / sumH);
            }
        return (double.IsPositiveInfinity(best) ? null : best, result);
    }

    [Fact]
    public void A_measure_equal_to_the_gap_scores_one_and_a_constant_measure_zero()
    {
        string[] axes = { "a", "b", "c" };
        var equal = ConditionalMutualInformation.Score(AcrossModelScoringTests.Factorial(axes, AcrossModelScoringTests.DistinctGap, AcrossModelScoringTests.DistinctGap), axes, "m");
        Assert.Equal(1, equal.Value!.Value, 12);
        Assert.All(equal.Pairs, p => Assert.Equal(1, p.Score, 12));
        var constant = ConditionalMutualInformation.Score(AcrossModelScoringTests.Factorial(axes, AcrossModelScoringTests.DistinctGap, _ => 0.5), axes, "m");
        Assert.Equal(0, constant.Value!.Value, 12);
        Assert.Equal(0, constant.PairsSkipped);
    }

    [Fact]
    public void A_pair_of_axes_whose_slices_never_hold_different_gaps_is_skipped_and_left_out_of_the_minimum()
    {
        // gap = 0.1a + 0.2b: once a and b of both models are fixed, the gaps are too, so (a, b) and (b, a) have mean H(V_g) = 0.
        // The measure orders the models that differ in a the wrong way at b = 1, so the pairs that are scored fall below 1.
        string[] axes = { "a", "b", "c" };
        var zoo = AcrossModelScoringTests.Factorial(axes, l => 0.1 * l[0] + 0.2 * l[1], l => 0.2 * l[1] + (l[1] == 1 ? -0.1 : 0.1) * l[0] + 0.01 * l[2]);
        var s = ConditionalMutualInformation.Score(zoo, axes, "m");
        Assert.Equal(2, s.PairsSkipped);
        var skipped = s.Pairs.Where(p => p.Skipped).Select(p => (p.Axis1, p.Axis2)).ToList();
        Assert.Equal(new[] { ("a", "b"), ("b", "a") }, skipped);
        Assert.All(s.Pairs.Where(p => p.Skipped), p => Assert.True(double.IsNaN(p.Score)));
        Assert.Equal(s.Pairs.Where(p => !p.Skipped).Min(p => p.Score), s.Value!.Value, 15);
        Assert.InRange(s.Value.Value, 0, 0.999);
    }

    [Fact]
    public void Without_a_scorable_pair_the_score_is_null_with_its_reason()
    {
        var one = ConditionalMutualInformation.Score(Example(), new[] { "lr" }, "m");
        Assert.Null(one.Value);
        Assert.Equal(ConditionalMutualInformation.FewerThanTwoAxesReason(1), one.Reason);
        Assert.Empty(one.Pairs);

        // One model per cell of a two-axis grid: every slice holds one model pair.
        string[] axes = { "a", "b" };
        var grid = ConditionalMutualInformation.Score(AcrossModelScoringTests.Factorial(axes, AcrossModelScoringTests.DistinctGap, AcrossModelScoringTests.DistinctGap), axes, "m");
        Assert.Null(grid.Value);
        Assert.Equal(ConditionalMutualInformation.NoScorablePairReason, grid.Reason);
        Assert.Equal(2, grid.PairsSkipped);

        var none = ConditionalMutualInformation.Score(Example().Select(z => z with { Measures = new Dictionary<string, double> { ["m"] = double.NaN } }).ToList(), new[] { "lr", "wd" }, "m");
        Assert.Null(none.Value);
        Assert.Equal(ConditionalMutualInformation.NoModelReason, none.Reason);
        Assert.Equal((0, 4), (none.Models, none.ModelsLeftOut));
    }

    [Fact]
    public void Models_without_a_value_are_left_out_and_counted()
    {
        var zoo = Example();
        zoo.Add(M("E", "1", "1", 0.05, double.NaN));
        zoo.Add(M("F", "0", "1", 0.40, double.PositiveInfinity));
        var s = ConditionalMutualInformation.Score(zoo, new[] { "lr", "wd" }, "m");
        Assert.Equal((4, 2), (s.Models, s.ModelsLeftOut));
        Assert.Equal(ConditionalMutualInformation.Score(Example(), new[] { "lr", "wd" }, "m").Value!.Value, s.Value!.Value, 14);
    }

    [Fact]
    public void The_i_equals_j_pairs_make_the_score_change_under_negation_so_the_measure_is_oriented_first()
    {
        // The negated measure orders every distinct pair the wrong way: I(V_g; V_m) is then below H(V_g), because
        // the i = j pairs sit in (not greater, not greater) whatever the measure.
        var negated = Example().Select(z => z with { Measures = new Dictionary<string, double> { ["m"] = -z.Gap } }).ToList();
        var s = ConditionalMutualInformation.Score(negated, new[] { "lr", "wd" }, "m");
        Assert.InRange(s.Value!.Value, 0.1, 0.9);
        var oriented = negated.Select(z => z with { Measures = new Dictionary<string, double> { ["m"] = -z.Measures["m"] } }).ToList();
        Assert.Equal(1, ConditionalMutualInformation.Score(oriented, new[] { "lr", "wd" }, "m").Value!.Value, 14);
    }
}
