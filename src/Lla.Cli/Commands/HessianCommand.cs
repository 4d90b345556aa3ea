using Lla.Analysis;
using System.CommandLine;
using Lla.Cli.Display;
using Lla.Reports;

namespace Lla.Cli.Commands;

/// <summary>`lla hessian`: eigenpairs, trace, spectral density and criteria with every knob exposed.</summary>
internal static class HessianCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("hessian", "Hessian eigenpairs, trace, spectral density and generalization criteria of a model on data");
        var shared = new SharedOptions();
        var hessian = new HessianOptions(batchSize: 2048, batches: "1", runs: 1, lanczosSteps: 100, "run folder (default: runs/hessian-TIMESTAMP)");
        shared.AddTo(command);
        hessian.AddTo(command, switches: true);
        var force = RunFolderOptions.Force();
        command.Options.Add(force);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var output = shared.Output(p, processes);
            var options = hessian.RunOptions(p, shared, force, command, p.GetValue(hessian.Trace), p.GetValue(hessian.Esd));
            return Execute(options, output, processes);
        }));
        return command;
    }

    /// <summary>Runs the job with progress on the console, renders the folder, prints the summary (shared with `analyze`).</summary>
    public static int Execute(HessianRunOptions options, OutputMode output, Processes processes, ColorScale scale = ColorScale.Log)
    {
        var results = output.WithProgress(report => HessianRun.Execute(options, report, processes.Group, output.Say));
        if (!processes.IsRoot) return 0;
        RunRenderer.Render(options.OutDir, results, scale);
        if (output.Chatty && results.Measures is { } measures)
        {
            ConsoleTable.Write(MeasureTable.Columns, MeasureTable.Rows(measures));
            output.Say(MeasureTable.SkippedNote(options.Measures));
        }
        if (output.Chatty) Summary.Print(results, Path.GetFullPath(options.OutDir));
        output.Finish(results);
        return 0;
    }
}
