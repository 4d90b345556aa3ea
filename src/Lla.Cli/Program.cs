using System.CommandLine;
using Lla.Cli.Commands;
using Lla.Native;

namespace Lla.Cli;

public static class Program
{
    /// <summary>Every command of `lla`, with strict numeric parsing.</summary>
    public static RootCommand BuildRoot(Processes processes)
    {
        var root = new RootCommand("lla: loss landscapes, Hessian spectra and generalization criteria for neural networks");
        Func<Processes, Command>[] commands = [AnalyzeCommand.Create, HessianCommand.Create, LandscapeCommand.Create, TrainCommand.Create,
            ReportCommand.Create, CompareCommand.Create, StudyCommand.Create, MeasureCommand.Create, ConnectCommand.Create];
        foreach (var create in commands) root.Subcommands.Add(create(processes));
        NumericOptions.MakeStrict(root);
        return root;
    }

    public static int Main(string[] args)
    {
        // Before libtorch starts: OpenMP threads wait passively (spinning costs 20x on small machines).
        RuntimeSetup.SetPassiveOpenMpWait();
        // Large activations stay on the heap instead of being page-faulted in on every pass.
        RuntimeSetup.KeepFreedMemory();
        // Numbers print and parse the same on every machine, and messages are English whatever the locale.
        ProcessCulture.UseInvariant();
        RuntimeSetup.DisableNnpack();
        Lla.Vision.VisionModels.Register();
        Lla.Onnx.OnnxModels.Register();
        Processes processes;
        try
        {
            processes = Processes.Start(args);
        }
        catch (LlaException e)
        {
            Console.Error.WriteLine($"error: {e.Render(s => "--" + s)}");
            return CommandAction.UserError;
        }

        using (processes)
        {
            var root = BuildRoot(processes);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0) return CommandAction.ParseError(parsed);
            return HelpLayout.IsHelp(parsed) ? HelpLayout.Write(parsed) : parsed.Invoke();
        }
    }
}
