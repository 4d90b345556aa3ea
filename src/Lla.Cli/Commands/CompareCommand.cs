using System.CommandLine;
using Lla.Cli.Display;
using Lla.Reports;

namespace Lla.Cli.Commands;

/// <summary>`lla compare RUN_DIR...`: a table of criteria (with spread), HESD type, accuracy, λ1 and trace, plus an ESD overlay.</summary>
internal static class CompareCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("compare", "Compare finished runs: criteria with their spread, HESD type, accuracy, λ1, trace, and their spectral densities overlaid");
        var runs = new Argument<string[]>("RUN_DIR") { Description = "folders of finished hessian/analyze runs", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out") { Description = "where comparison.csv and esd-overlay.png go", DefaultValueFactory = _ => "comparison" };
        command.Arguments.Add(runs);
        command.Options.Add(outOption);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var summaries = p.GetValue(runs)!.Select(RunComparison.Read).ToList();
            if (Console.IsOutputRedirected)
                Console.Write(RunComparison.PlainTable(summaries)); // a pipe or a file: full width, nothing wrapped
            else
                ConsoleTable.Write(RunComparison.DisplayColumns, summaries.Select(RunComparison.DisplayCells));
            string folder = p.GetValue(outOption)!;
            var files = RunComparison.Write(folder, summaries);
            Console.WriteLine($"wrote {string.Join(", ", files.Select(f => Path.Combine(folder, f)))}");
            return 0;
        }));
        return command;
    }
}
