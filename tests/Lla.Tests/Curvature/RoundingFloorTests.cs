using Lla.Guard;
using Lla.Curvature;

namespace Lla.Tests.Curvature;

/// <summary>The guard's decision rule on known numbers (pure arithmetic: exact answers).</summary>
public class RoundingFloorTests
{
    [Fact]
    public void The_floor_is_the_median_of_the_disagreements_and_a_few_faulty_ones_do_not_raise_it()
    {
        Assert.Equal(2.0, RoundingFloor.Median(new[] { 3.0, 1.0, 2.0 }));
        Assert.Equal(2.5, RoundingFloor.Median(new[] { 4.0, 1.0, 2.0, 3.0 }));
        // Two of nine disagreements touch a faulty evaluation (NaN, 0.3): the median stays at rounding.
        Assert.Equal(1.5e-6, RoundingFloor.Median(new[] { 1e-6, 1.2e-6, double.NaN, 0.3, 1.4e-6, 1.1e-6, 1.5e-6, 1.6e-6, 1.7e-6 }));
    }

    [Fact]
    public void A_floor_measured_as_zero_is_raised_to_c_eps_sqrt_n()
    {
        double lower = RoundingFloor.LowerBound(10_000);
        Assert.Equal(RoundingFloor.LowerBoundConstant * 1.1920928955078125e-7 * 100, lower, 15);
        var verdict = RoundingFloor.Decide(new[] { new GuardEntry("w", new[] { 0.0, lower * 3 }, new[] { 0.0, 0.0 }) }, 10_000);
        Assert.True(verdict.Passed);
        Assert.Equal(lower, verdict.Floor);
        Assert.Equal(3, verdict.WorstRatio, 12);
    }

    [Fact]
    public void The_lower_bound_stops_growing_at_2_to_the_24_parameters_so_a_10_percent_error_fails_on_gpt2_small()
    {
        Assert.Equal(RoundingFloor.LowerBound(1L << 24), RoundingFloor.LowerBound(124_439_808));
        Assert.Equal(1.1920928955078125e-7 * 4096, RoundingFloor.LowerBound(1L << 24), 15);
        Assert.True(RoundingFloor.LowerBound(11_689_512) < RoundingFloor.LowerBound(1L << 24)); // ResNet-18: unchanged, under the cap
        // gpt2-small's float32 errors were 9.6e-7 (the scale run); a product 10% off in one evaluation of 30 fails.
        var errors = Enumerable.Repeat(9.6e-7, 29).Append(0.1).ToArray();
        var verdict = RoundingFloor.Decide(new[] { new GuardEntry("transformer.wte.weight", errors, Enumerable.Repeat(5e-7, 27).ToArray()) }, 124_439_808);
        Assert.False(verdict.Passed);
        Assert.InRange(verdict.WorstRatio, 200, 210);
    }

    [Fact]
    public void An_error_beyond_the_factor_times_the_floor_fails_and_names_the_worst_entry()
    {
        var entries = new[]
        {
            new GuardEntry("loss", new[] { 1e-7 }, new[] { 1e-7, 1e-7 }),
            new GuardEntry("w", new[] { 1e-3, 1e-3 }, new[] { 1e-3, 1e-3 }),     // large but at its own floor: ratio 1
            new GuardEntry("conv1.weight", new[] { 2e-5, 0.3 }, new[] { 1e-5, 1e-5, 0.3 }),
        };
        var verdict = RoundingFloor.Decide(entries, 1);
        Assert.False(verdict.Passed);
        Assert.Equal("conv1.weight", verdict.WorstEntry);
        Assert.Equal(0.3 / 1e-5, verdict.WorstRatio, 6);
        Assert.Equal(0.3, verdict.WorstError);
    }

    [Fact]
    public void A_NaN_error_fails_with_an_infinite_ratio()
    {
        var verdict = RoundingFloor.Decide(new[] { new GuardEntry("w", new[] { 1e-6, double.NaN }, new[] { 1e-6 }) }, 1);
        Assert.False(verdict.Passed);
        Assert.True(double.IsPositiveInfinity(verdict.WorstRatio));
    }

    [Fact]
    public void A_fault_in_every_evaluation_fails_although_it_raises_the_floor()
    {
        // NaN everywhere: ∞/∞ is no verdict; 30% errors everywhere: the evaluations disagree by 0.4 among themselves.
        var nan = RoundingFloor.Decide(new[] { new GuardEntry("loss", new[] { 1e-7 }, new[] { 1e-7 }), new GuardEntry("w", new[] { double.NaN, double.NaN }, new[] { double.NaN }) }, 1);
        Assert.False(nan.Passed);
        Assert.Equal("w", nan.WorstEntry);
        var everywhere = RoundingFloor.Decide(new[] { new GuardEntry("w", new[] { 0.3, 0.25, 0.35 }, new[] { 0.4, 0.45 }, Whole: true) }, 1);
        Assert.False(everywhere.Passed);
        Assert.True(everywhere.FloorBeyondRounding);
        // A part of it (not the whole) that float32 cannot resolve is judged by the ratio alone: a bias before BatchNorm.
        var part = RoundingFloor.Decide(new[] { new GuardEntry("conv1.bias", new[] { 0.1, 0.12 }, new[] { 0.014, 0.015 }) }, 1);
        Assert.True(part.Passed);
    }

    [Fact]
    public void The_factor_decides_exactly_at_its_boundary()
    {
        var at = RoundingFloor.Decide(new[] { new GuardEntry("w", new[] { RoundingFloor.Factor * 1e-3 }, new[] { 1e-3 }) }, 1);
        Assert.True(at.Passed);
        var beyond = RoundingFloor.Decide(new[] { new GuardEntry("w", new[] { RoundingFloor.Factor * 1.001e-3 }, new[] { 1e-3 }) }, 1);
        Assert.False(beyond.Passed);
    }
}
