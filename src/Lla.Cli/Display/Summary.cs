using Lla.Reports;
using Lla.Runs;
using Spectre.Console;

namespace Lla.Cli.Display;

/// <summary>The short human summary printed after a Hessian run: <see cref="HessianSummary"/>'s rows as a table, then its conclusions.</summary>
internal static class Summary
{
    public static void Print(RunResults r, string folder)
    {
        ConsoleTable.Write(new[] { "quantity", "value" }, HessianSummary.Rows(r).Select(row => new[] { row.Quantity, row.Value }));
        foreach (var sentence in HessianSummary.Conclusions(r)) AnsiConsole.WriteLine(sentence);
        AnsiConsole.WriteLine($"Results: {Path.Combine(folder, ResultsSerializer.ResultsFile)}");
        AnsiConsole.WriteLine($"Open {Path.Combine(folder, HtmlReport.FileName)} in a browser for the report.");
    }
}
