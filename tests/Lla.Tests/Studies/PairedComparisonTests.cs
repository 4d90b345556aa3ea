using Lla.Studies;

namespace Lla.Tests.Studies;

/// <summary>The paired bootstrap of ρ_A − ρ_B that decides "beat" / "lost to" in the leaderboard's verdict.</summary>
public class PairedComparisonTests
{
    private static List<IReadOnlyList<(double Drop, double A, double B)>> Models(Func<int, int, (double A, double B)> values) =>
        Enumerable.Range(0, 5).Select(k => (IReadOnlyList<(double, double, double)>)Enumerable.Range(0, 4)
            .Select(i => { var (a, b) = values(k, i); return (0.1 * (i + 1) + 0.013 * k, a, b); }).ToList()).ToList();

    [Fact]
    public void A_measure_that_ranks_every_model_perfectly_beats_one_that_swaps_a_pair_in_every_model()
    {
        double[] swapped = { 0, 2, 1, 3 };
        var groups = Models((k, i) => (0.1 * (i + 1) + 0.013 * k, 0.1 * (swapped[i] + 1) + 0.013 * k));
        var d = PairedComparison.Difference(groups, 500, 1);
        Assert.True(d.Value > 0 && d.Low > 0, $"{d.Value} [{d.Low}, {d.High}]");
        Assert.Equal("beat", PairedComparison.Verdict(d));
        Assert.Equal("lost to", PairedComparison.Verdict(PairedComparison.Difference(Models((k, i) => groups[k][i] is var p ? (p.B, p.A) : default), 500, 1)));
        Assert.Equal((20, 5, 500), (d.Points, d.Groups, d.ValidResamples));
    }

    [Fact]
    public void The_same_measure_twice_differs_by_exactly_zero_and_does_not_separate()
    {
        var random = new Random(3);
        var groups = Models((_, _) => random.NextDouble() is var x ? (x, x) : default);
        var d = PairedComparison.Difference(groups, 300, 2);
        Assert.Equal((0.0, 0.0, 0.0), (d.Value, d.Low, d.High));
        Assert.Equal("did not separate from", PairedComparison.Verdict(d));
    }
}
