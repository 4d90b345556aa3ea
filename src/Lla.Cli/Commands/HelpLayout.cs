using System.CommandLine;
using System.CommandLine.Help;

namespace Lla.Cli.Commands;

/// <summary>
/// `--help` as users see it: the program is `lla`, not the assembly's name that System.CommandLine
/// prints in its usage line (its help builder cannot be customized in 2.0, so the text is rewritten).
/// </summary>
internal static class HelpLayout
{
    public const string ProgramName = "lla";

    /// <summary>Whether <paramref name="parsed"/> asks for help.</summary>
    public static bool IsHelp(ParseResult parsed) => parsed.Action is HelpAction;

    /// <summary>Writes the help <paramref name="parsed"/> asks for, naming the program `lla`.</summary>
    public static int Write(ParseResult parsed)
    {
        using var text = new StringWriter();
        int code = parsed.Invoke(new InvocationConfiguration { Output = text });
        Console.Out.Write(Rename(text.ToString()));
        return code;
    }

    /// <summary>The usage lines with the executable's name replaced by `lla`.</summary>
    public static string Rename(string help) =>
        string.Join('\n', help.Split('\n').Select(line => line.TrimStart().StartsWith(RootCommand.ExecutableName, StringComparison.Ordinal)
            ? line.Replace(RootCommand.ExecutableName, ProgramName) : line));
}
