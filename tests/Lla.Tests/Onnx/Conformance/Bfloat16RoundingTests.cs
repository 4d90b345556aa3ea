namespace Lla.Tests.Onnx.Conformance;

/// <summary>The conformance runner's own bfloat16 rounding, on values whose bfloat16 neighbours are known exactly.</summary>
public class Bfloat16RoundingTests
{
    [Theory]
    // bfloat16 keeps 7 fraction bits: near 1 its step is 2^-7 = 0.0078125.
    [InlineData(1.0f, 1.0f)]
    [InlineData(1.00390625f, 1.0f)]          // halfway between 1 and 1 + 2^-7: ties to the even one, 1
    [InlineData(1.01171875f, 1.015625f)]     // halfway between 1 + 2^-7 and 1 + 2^-6: ties to the even one, 1 + 2^-6
    [InlineData(1.0048828f, 1.0078125f)]     // above halfway: up (truncation would give 1)
    [InlineData(-1.0048828f, -1.0078125f)]   // the sign is kept
    [InlineData(0.47892547f, 0.478515625f)]  // ONNX's first cast value: 0x3EF5 (truncation gives the same here)
    [InlineData(0.48033667f, 0.48046875f)]   // 0x3EF6 by rounding; truncation gives 0x3EF5 = 0.478515625
    public void Rounds_to_nearest_with_ties_to_even(float value, float expected) =>
        Assert.Equal(expected, Bfloat16Rounding.Round(value));

    [Fact]
    public void Keeps_infinities_and_nan()
    {
        Assert.Equal(float.PositiveInfinity, Bfloat16Rounding.Round(float.PositiveInfinity));
        Assert.Equal(float.NegativeInfinity, Bfloat16Rounding.Round(float.NegativeInfinity));
        Assert.True(float.IsNaN(Bfloat16Rounding.Round(float.NaN)));
        Assert.Equal(float.PositiveInfinity, Bfloat16Rounding.Round(float.MaxValue)); // above bfloat16's largest finite value
    }

    [Fact]
    public void Truncation_keeps_the_upper_bits()
    {
        Assert.Equal(0.478515625f, Bfloat16Rounding.Truncate(0.48033667f)); // 0x3EF5EEB0 → 0x3EF5
        Assert.Equal(1.0f, Bfloat16Rounding.Truncate(1.0048828f));
        Assert.Equal(float.NegativeInfinity, Bfloat16Rounding.Truncate(float.NegativeInfinity));
        Assert.True(float.IsNaN(Bfloat16Rounding.Truncate(float.NaN)));
    }

    [Fact]
    public void The_baseline_lists_the_corrected_cases_and_which_dropout_cases_are_refused_by_design()
    {
        Assert.True(ConformanceBaseline.RefusedByDesign("test_training_dropout_default_mask"));
        Assert.False(ConformanceBaseline.RefusedByDesign("test_training_dropout_zero_ratio_mask"));
        Assert.False(ConformanceBaseline.RefusedByDesign("test_dropout_default"));
        Assert.Equal(3, ConformanceBaseline.CorrectedExpectations.Count);
    }
}
