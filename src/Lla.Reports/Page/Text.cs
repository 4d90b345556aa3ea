using System.Globalization;

namespace Lla.Reports;

/// <summary>How views write numbers on the page: invariant culture, "n/a" for a missing or non-finite value.</summary>
internal static class Text
{
    /// <summary>A number with <paramref name="digits"/> significant digits; integers below 1e9 as they are.</summary>
    public static string N(double? value, int digits = 4)
    {
        if (value is not double x || !double.IsFinite(x)) return "n/a";
        if (x == Math.Floor(x) && Math.Abs(x) < 1e9) return x.ToString("0", CultureInfo.InvariantCulture);
        return x.ToString("G" + digits, CultureInfo.InvariantCulture);
    }

    /// <summary>A share as a percentage with two decimals ("98.77 %").</summary>
    public static string Percent(double? value) =>
        value is double x && double.IsFinite(x) ? (100 * x).ToString("0.00", CultureInfo.InvariantCulture) + " %" : "n/a";

    /// <summary>A count with thousands separators ("61,706").</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"x ± e", or x alone when the spread is unknown.</summary>
    public static string PlusMinus(double? value, double? error, int digits = 5) =>
        error is double e && double.IsFinite(e) ? $"{N(value, digits)} ± {N(e, 2)}" : N(value, digits);
}
