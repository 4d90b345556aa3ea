using Spectre.Console;

namespace Lla.Cli.Display;

/// <summary>A table from the libraries' columns and rows of plain text, drawn on the console with rounded borders (every cell escaped, never read as markup).</summary>
internal static class ConsoleTable
{
    public static void Write(IEnumerable<string> columns, IEnumerable<IEnumerable<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(Markup.Escape(c));
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }
}
