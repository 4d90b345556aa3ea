using System.CommandLine;
using System.CommandLine.Parsing;

namespace Lla.Cli.Commands;

/// <summary>
/// Every numeric option of every command is read one way: the invariant culture, a decimal point,
/// no thousands separators, whatever the machine's locale. System.CommandLine's own parsing accepts
/// thousands separators ("0,001" became 1) and names .NET types in its errors; this parser replaces
/// it and refuses anything else with one line: "0,001" asks for a decimal point, "1e9" for a whole
/// number, 99999999999 names the largest value, NaN, ±Infinity and 1e400 are not finite numbers.
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

    private static long? Whole(ArgumentResult r, string option, long min, long max)
    {
        if (Token(r) is not { } text) return null;
        string? error = NumberText.ParseWhole(option, text, min, max, out long value);
        if (error is null) return value;
        r.AddError(error);
        return null;
    }

    private static double? Real(ArgumentResult r, string option)
    {
        if (Token(r) is not { } text) return null;
        string? error = NumberText.ParseReal(option, text, out double value);
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
