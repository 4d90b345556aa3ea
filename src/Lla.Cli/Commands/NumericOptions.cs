using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Lla.Cli.Commands;

/// <summary>
/// Every numeric option of every command is read one way: the invariant culture, a decimal point,
/// no thousands separators, whatever the machine's locale. System.CommandLine's own parsing accepts
/// thousands separators ("0,001" became 1) and names .NET types in its errors; this parser replaces
/// it and refuses anything else with one line: "0,001" asks for a decimal point, "1e9" for a whole
/// number, 99999999999 names the largest value. NaN and ±Infinity parse here and are refused by
/// <see cref="CommandAction"/>'s finiteness check, which names the option.
/// </summary>
internal static class NumericOptions
{
    /// <summary>Installs the strict parser on every numeric option of <paramref name="command"/> and its subcommands.</summary>
    public static void MakeStrict(Command command)
    {
        foreach (var option in command.Options) MakeStrict(option);
        foreach (var sub in command.Subcommands) MakeStrict(sub);
    }

    private static void MakeStrict(Option option)
    {
        switch (option)
        {
            case Option<int> o: o.CustomParser = r => (int)(Whole(r, o.Name, int.MinValue, int.MaxValue) ?? 0); break;
            case Option<int?> o: o.CustomParser = r => (int?)Whole(r, o.Name, int.MinValue, int.MaxValue); break;
            case Option<long> o: o.CustomParser = r => Whole(r, o.Name, long.MinValue, long.MaxValue) ?? 0; break;
            case Option<long?> o: o.CustomParser = r => Whole(r, o.Name, long.MinValue, long.MaxValue); break;
            case Option<double> o: o.CustomParser = r => Real(r, o.Name) ?? 0; break;
            case Option<double?> o: o.CustomParser = r => Real(r, o.Name); break;
        }
    }

    /// <summary>The options this parser covers (for tests that check every one).</summary>
    public static bool IsNumeric(Option option) => option is Option<int> or Option<int?> or Option<long> or Option<long?> or Option<double> or Option<double?>;

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

    private static long? Whole(ArgumentResult r, string option, long min, long max)
    {
        if (Token(r) is not { } text) return null;
        string? error = ParseWhole(option, text, min, max, out long value);
        if (error is null) return value;
        r.AddError(error);
        return null;
    }

    private static double? Real(ArgumentResult r, string option)
    {
        if (Token(r) is not { } text) return null;
        string? error = ParseReal(option, text, out double value);
        if (error is null) return value;
        r.AddError(error);
        return null;
    }

    private static string? Token(ArgumentResult r)
    {
        if (r.Tokens.Count == 0) return null;
        if (r.Tokens.Count > 1)
        {
            r.AddError($"{(r.Parent as OptionResult)?.Option.Name ?? "an option"} takes one value (got {r.Tokens.Count})");
            return null;
        }
        return r.Tokens[0].Value;
    }
}
