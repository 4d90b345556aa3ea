using System.Globalization;

namespace Lla;

/// <summary>
/// Numbers as users write them, read one way: the invariant culture, a decimal point, an optional
/// exponent, no thousands separators. Each parser returns the one-line reason a text is refused
/// (naming <c>option</c>), or null with the value.
/// </summary>
public static class NumberText
{
    /// <summary>The one-line reason <paramref name="text"/> is no number for <paramref name="option"/>, or null with its value.</summary>
    public static string? ParseWhole(string option, string text, long min, long max, out long value)
    {
        value = 0;
        string t = text.Trim();
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
            return value > max ? TooLarge(option, t, max) : value < min ? TooSmall(option, t, min) : null;
        if (IsWholeDigits(t)) return t.StartsWith('-') ? TooSmall(option, t, min) : TooLarge(option, t, max);
        if (t.Contains(',')) return $"{option} must be a whole number, without separators (got '{text}')";
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return $"{option} must be a whole number (got '{text}')";
        return $"{option} must be a whole number (got '{text}')";
    }

    /// <summary>The one-line reason <paramref name="text"/> is no real number for <paramref name="option"/>, or null with its value.</summary>
    public static string? ParseReal(string option, string text, out double value)
    {
        string t = text.Trim();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            // NaN and ±∞ are no setting of any option; 1e400 reads as ∞.
            if (!double.IsFinite(value))
                return double.IsNaN(value) || t.Any(char.IsLetter) && !t.Any(char.IsDigit) || t.Contains('∞')
                    ? $"{option} must be a finite number (got {t})"
                    : $"{option} must be a finite number (got {t}, beyond the largest double, 1.8e308)";
            // 5e-400 reads as 0: the user did not write 0.
            if (value == 0 && t.Split('e', 'E')[0].Any(c => c is >= '1' and <= '9'))
                return $"{option} {t} is too small for a double (it would be read as 0)";
            return null;
        }
        if (t.Contains(','))
        {
            string pointed = t.Replace(',', '.');
            string example = double.TryParse(pointed, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? pointed : "0.001";
            return $"{option} must be written with a decimal point, not a comma, and no thousands separators (got '{text}'; e.g. {example})";
        }
        return $"{option} must be a number such as 0.5 or 1e-3 (got '{text}')";
    }

    private static string TooLarge(string option, string text, long max) => $"{option} {text} is too large (at most {max})";
    private static string TooSmall(string option, string text, long min) => $"{option} {text} is too small (at least {min})";

    private static bool IsWholeDigits(string t) => t.Length > 0 && (t[0] is '+' or '-' ? t[1..] : t) is { Length: > 0 } digits && digits.All(char.IsAsciiDigit);
}
