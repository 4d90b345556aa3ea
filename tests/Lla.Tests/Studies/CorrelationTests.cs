using Lla.Studies;

namespace Lla.Tests.Studies;

public class CorrelationTests
{
    [Fact]
    public void Pearson_and_Spearman_match_hand_computed_values()
    {
        // x = 1..5, y = 2,1,4,3,5: Σdxdy = 8, Σdx² = Σdy² = 10, so r = 0.8; the ranks are the values, so ρ = 0.8 too.
        double[] x = { 1, 2, 3, 4, 5 }, y = { 2, 1, 4, 3, 5 };
        Assert.Equal(0.8, Correlation.Pearson(x, y), 12);
        Assert.Equal(0.8, Correlation.Spearman(x, y), 12);
        // A monotone but non-linear relation: ρ = −1 exactly, |r| < 1.
        double[] u = { 1, 2, 3, 4, 10 }, v = { 1, 0.5, 0.2, 0.1, 0.0001 };
        Assert.Equal(-1, Correlation.Spearman(u, v), 12);
        Assert.True(Correlation.Pearson(u, v) > -0.99);
    }

    [Fact]
    public void Ties_share_the_mean_rank_and_constant_variables_give_nan()
    {
        Assert.Equal(new[] { 1, 2.5, 2.5, 4 }, Correlation.Ranks(new double[] { 1, 2, 2, 3 }));
        Assert.Equal(new[] { 3, 1, 2.0 }, Correlation.Ranks(new double[] { 9, -1, 0 }));
        Assert.True(double.IsNaN(Correlation.Pearson(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 })));
        Assert.True(double.IsNaN(Correlation.Spearman(new double[] { 1 }, new double[] { 2 })));
    }

    [Fact]
    public void The_bootstrap_resamples_whole_groups_not_single_points()
    {
        // Two groups of two points. Drawing groups gives only three samples: {1,1} and {2,2} (r = 1) or
        // {1,2} (pooled r = 1/√101 ≈ 0.0995). Drawing single points could give r = −1, e.g. (1,1) and (10,0).
        var groups = new IReadOnlyList<(double X, double Y)>[] { new[] { (0.0, 0.0), (1.0, 1.0) }, new[] { (10.0, 0.0), (11.0, 1.0) } };
        var e = ClusterBootstrap.Estimate(groups, Correlation.Pearson, 2000, seed: 3);
        Assert.Equal(1 / Math.Sqrt(101), e.Value, 12);
        Assert.True(e.Low >= 1 / Math.Sqrt(101) - 1e-12, $"low {e.Low}");
        Assert.Equal(1, e.High, 12);
        Assert.Equal(2000, e.ValidResamples);
        Assert.Equal((4, 2), (e.Points, e.Groups));
    }

    [Fact]
    public void The_bootstrap_is_seeded_and_drops_undefined_resamples()
    {
        var random = new Random(5);
        var groups = Enumerable.Range(0, 8).Select(g => (IReadOnlyList<(double X, double Y)>)Enumerable.Range(0, 4)
            .Select(_ => { double x = random.NextDouble(); return (x, -x + 0.3 * random.NextDouble()); }).ToList()).ToList();
        var a = ClusterBootstrap.Estimate(groups, Correlation.Spearman, 500, seed: 11);
        var b = ClusterBootstrap.Estimate(groups, Correlation.Spearman, 500, seed: 11);
        Assert.Equal(a, b);
        Assert.True(a.Negative && a.Low <= a.Value && a.Value <= a.High);
        // One group whose x is constant: every resample is undefined.
        var flat = ClusterBootstrap.Estimate(new[] { (IReadOnlyList<(double, double)>)new[] { (1.0, 1.0), (1.0, 2.0) } }, Correlation.Pearson, 100, 1);
        Assert.Equal(0, flat.ValidResamples);
        Assert.True(double.IsNaN(flat.Low));
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] sorted = { 0, 10, 20, 30, 40 };
        Assert.Equal(0, ClusterBootstrap.Quantile(sorted, 0));
        Assert.Equal(40, ClusterBootstrap.Quantile(sorted, 1));
        Assert.Equal(25, ClusterBootstrap.Quantile(sorted, 0.625), 12);
    }
}
