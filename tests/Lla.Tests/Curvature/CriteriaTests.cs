using Lla.Curvature;

namespace Lla.Tests.Curvature;

public class CriteriaTests
{
    [Fact]
    public void Hand_computed_spectrum()
    {
        // nodes -2, 1, 8 with weights 0.25, 0.25, 0.5: λw = -0.5, 0.25, 4.
        var run = new SlqRun(new[] { -2.0, 1.0, 8.0 }, new[] { 0.25, 0.25, 0.5 }, 3);
        var c = Criteria.FromSpectrum(new[] { run });
        Assert.Equal(0.25, c.Re!.Value, 12);
        Assert.Equal(-0.25, c.Ct, 12);
        Assert.Equal(Math.Sqrt(0.5) / (Math.Sqrt(0.25) + Math.Sqrt(4)), c.Kh!.Value, 12);
        Assert.Equal("MP", c.HesdType);
        Assert.Equal(0.0, c.ReStd!.Value);
    }

    [Fact]
    public void Kh_power_and_zero_eigenvalues()
    {
        // a zero node enters neither sum; n = 1 gives the plain ratio of weighted masses.
        var run = new SlqRun(new[] { -3.0, 0.0, 6.0 }, new[] { 0.5, 0.3, 0.2 }, 3);
        var c = Criteria.FromSpectrum(new[] { run }, khPower: 1);
        Assert.Equal(1.5 / 1.2, c.Kh!.Value, 12);
    }

    [Fact]
    public void Means_and_spreads_over_runs()
    {
        var a = new SlqRun(new[] { -1.0, 10.0 }, new[] { 0.5, 0.5 }, 2);  // re 0.1
        var b = new SlqRun(new[] { -3.0, 10.0 }, new[] { 0.5, 0.5 }, 2);  // re 0.3
        var c = Criteria.FromSpectrum(new[] { a, b });
        Assert.Equal(0.2, c.Re!.Value, 12);
        Assert.Equal(Math.Sqrt(0.02), c.ReStd!.Value, 12); // sample standard deviation of {0.1, 0.3}
        Assert.Equal(-0.2, c.Ct, 12);
    }

    [Fact]
    public void Mainly_negative_below_the_threshold_and_threshold_is_configurable()
    {
        var run = new SlqRun(new[] { -7.0, 10.0 }, new[] { 0.5, 0.5 }, 2); // Ct = -0.7
        Assert.Equal("MN", Criteria.FromSpectrum(new[] { run }).HesdType);
        Assert.Equal("MP", Criteria.FromSpectrum(new[] { run }, ctThreshold: -0.8).HesdType);
        var edge = new SlqRun(new[] { -6.0, 10.0 }, new[] { 0.5, 0.5 }, 2); // Ct = -0.6 exactly: MP
        Assert.Equal("MP", Criteria.FromSpectrum(new[] { edge }).HesdType);
    }

    [Fact]
    public void No_positive_eigenvalue_gives_undefined_type_and_infinite_kh_with_reasons()
    {
        var run = new SlqRun(new[] { -4.0, -1.0 }, new[] { 0.5, 0.5 }, 2);
        var c = Criteria.FromSpectrum(new[] { run });
        Assert.Equal("undefined", c.HesdType);
        Assert.Null(c.Kh);
        Assert.Contains(c.Notes, n => n.Contains("Kh is infinite"));
        Assert.Contains(c.Notes, n => n.Contains("λmax ≤ 0"));
        Assert.Equal(4.0, c.Re!.Value, 12);
    }

    [Fact]
    public void Lambda_max_zero_leaves_re_undefined()
    {
        var run = new SlqRun(new[] { -1.0, 0.0 }, new[] { 0.5, 0.5 }, 2);
        var c = Criteria.FromSpectrum(new[] { run });
        Assert.Null(c.Re);
        Assert.Equal("undefined", c.HesdType);
    }

    [Fact]
    public void Negative_kh_power_is_an_error()
    {
        var run = new SlqRun(new[] { 1.0 }, new[] { 1.0 }, 1);
        Assert.Throws<LlaException>(() => Criteria.FromSpectrum(new[] { run }, khPower: -0.5));
    }
}
