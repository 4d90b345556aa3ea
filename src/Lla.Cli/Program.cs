using System.CommandLine;
using Lla.Cli.Commands;
using Lla.Native;

namespace Lla.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // Before libtorch starts: OpenMP threads wait passively (spinning costs 20x on small machines).
        RuntimeSetup.SetPassiveOpenMpWait();
        // Large activations stay on the heap instead of being page-faulted in on every pass.
        RuntimeSetup.KeepFreedMemory();
        RuntimeSetup.DisableNnpack();
        Lla.Vision.VisionModels.Register();
        try
        {
            Pipeline.Cluster.Start(args);
        }
        catch (LlaException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Commands.CommandAction.UserError;
        }

        var root = new RootCommand("lla: loss landscapes, Hessian spectra and generalization criteria for neural networks");
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(HessianCommand.Create());
        root.Subcommands.Add(LandscapeCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        try
        {
            return root.Parse(args).Invoke();
        }
        finally
        {
            Pipeline.Cluster.Stop();
        }
    }
}
