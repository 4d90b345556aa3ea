using Lla.Runs;

namespace Lla.Tests.Cli;

/// <summary>Remaining times in progress lines: a 30-hour estimate was once shown as "30:31" (minutes of the hour).</summary>
public class DurationTextTests
{
    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(307, "05:07")]
    [InlineData(3599.9, "59:59")]
    [InlineData(3600 * 30 + 31 * 60, "30:31:00")]
    [InlineData(86400 * 12.5, "12.5 days")]
    [InlineData(86400 * 365.25 * 98.6, "99 years")]
    [InlineData(86400 * 365.25 * 1e6, "1e+6 years")]
    [InlineData(double.PositiveInfinity, "an unknown time")]
    [InlineData(double.NaN, "an unknown time")]
    public void Long_durations_are_not_shown_modulo_an_hour(double seconds, string expected) => Assert.Equal(expected, Durations.Clock(seconds));
}
