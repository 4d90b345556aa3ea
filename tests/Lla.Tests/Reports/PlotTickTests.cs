using Lla.Landscapes;
using Lla.Reports;

namespace Lla.Tests.Reports;

/// <summary>Issue 23: density plots ticked at whole powers of ten; landscape heat maps with a colour bar labelled in loss units.</summary>
public class PlotTickTests
{
    [Theory]
    [InlineData(-6.8, 1.2)]   // an ESD: 1e-8 of the peak up to the peak
    [InlineData(-0.37, 0.41)] // under a decade
    [InlineData(-45.3, 3.9)]  // many decades
    [InlineData(2.5, 2.5)]    // one value
    public void Log_ticks_sit_at_whole_exponents_that_enclose_the_data(double min, double max)
    {
        var exponents = PngFile.LogTickExponents(min, max);
        var (low, high) = PngFile.LogLimits(min, max);
        Assert.True(low <= min && high >= max && low == Math.Floor(low) && high == Math.Floor(high));
        Assert.InRange(exponents.Length, 2, 10);
        Assert.All(exponents, e => Assert.InRange(e, low, high));
        var plot = new ScottPlot.Plot();
        plot.Add.ScatterLine(new[] { 0.0, 1 }, new[] { min, max });
        PngFile.LogAxis(plot, new[] { min, max });
        plot.GetImage(400, 300).Dispose(); // ticks are placed when drawn
        var ticks = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray(); // every labelled tick at a whole exponent
        Assert.Equal(exponents.Length, ticks.Length);
        Assert.All(ticks, t => Assert.Equal(Math.Round(t.Position), t.Position));
        Assert.All(ticks, t => Assert.Equal($"1e{t.Position:0}", t.Label));
    }

    [Theory]
    [InlineData(-0.6, 0.7)]   // losses 0.25 to 5: 0.5, 1, 2, 5
    [InlineData(-3.2, 2.1)]   // many decades
    [InlineData(-0.52, -0.49)] // 0.30 to 0.32: round losses in between
    public void The_colour_bar_of_a_log_heat_map_is_ticked_at_round_losses_labelled_as_losses(double minLog, double maxLog)
    {
        var ticks = PngFile.LossTicks(minLog, maxLog);
        Assert.InRange(ticks.Length, 2, 10);
        foreach (var (position, label) in ticks)
        {
            Assert.InRange(position, minLog - 1e-9, maxLog + 1e-9);
            double loss = double.Parse(label, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Math.Pow(10, position), loss, 1e-9 * loss); // the label is the loss itself, not its log10
        }
    }

    [Fact]
    public void A_log_heat_map_has_a_colour_bar_whose_ticks_are_losses()
    {
        double[] axis = { -1, -0.5, 0, 0.5, 1 };
        var loss = axis.Select(b => axis.Select(a => 0.25 + 5 * (a * a + b * b) / 2).ToArray()).ToArray();
        var surface = new Surface(axis, axis, loss, loss, 25, 0);
        var plot = LandscapePlot.PlanePlot(surface, "a bowl", "α", "β", null, ColorScale.Log);
        var bar = Assert.Single(plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>());
        plot.GetImage(600, 500).Dispose(); // ticks are placed when drawn
        Assert.StartsWith("loss", bar.Label);
        var labels = bar.Axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();
        Assert.Contains("0.5", labels);
        Assert.Contains("1", labels);
        Assert.Contains("2", labels);
        var linear = LandscapePlot.PlanePlot(surface, "a bowl", "α", "β", null, ColorScale.Linear);
        Assert.Single(linear.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>());
    }
}
