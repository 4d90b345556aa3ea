using System.CommandLine;
using Lla.Cli.Pipeline;

namespace Lla.Cli.Commands;

/// <summary>`lla hessian`: eigenpairs, trace, spectral density and criteria with every knob exposed.</summary>
internal static class HessianCommand
{
    public static Command Create()
    {
        var command = new Command("hessian", "Hessian eigenpairs, trace, spectral density and generalization criteria of a model on data");
        var shared = new SharedOptions();
        var hessian = new HessianOptions(batchSize: 2048, batches: "1", runs: 1, lanczosSteps: 100, "run folder (default: runs/hessian-TIMESTAMP)");
        shared.AddTo(command);
        hessian.AddTo(command, switches: true);
        command.SetAction(p => CommandAction.Run(() =>
        {
            var source = shared.Source(p);
            var options = new HessianJobOptions(
                "hessian", source,
                hessian.Selection(p),
                p.GetValue(shared.Threads),
                SharedOptions.ParseOneDnn(p.GetValue(shared.OneDnn)!),
                hessian.Analysis(p, source.Seed, p.GetValue(hessian.Trace), p.GetValue(hessian.Esd)),
                p.GetValue(hessian.Out) ?? HessianOptions.DefaultOut("hessian"),
                p.GetValue(hessian.Params),
                LandscapeSteps: 0,
                Profile: null,
                SharedOptions.Record(p, command));
            return HessianJob.Run(options);
        }));
        return command;
    }
}
