using System.CommandLine;
using Lla.Connectivity;
using Lla.Reports;
using Lla.Runs;

namespace Lla.Cli.Commands;

/// <summary>`lla connect`: loss and accuracy along paths between two trained models (linear, aligned, Bezier or chain).</summary>
internal static class ConnectCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("connect", "Paths between two trained models (--weights A, --to B): linear, after weight matching, and trained curves");
        var shared = new SharedOptions();
        var to = new Option<string>("--to") { Description = "model B's weights file (the same architecture as --weights)", Required = true };
        var method = new Option<string>("--method") { Description = "linear | bezier | chain (a curve through a trained bend, beside the straight line)", DefaultValueFactory = _ => "linear" };
        var align = new Option<string>("--align") { Description = "none | weights (permute B's hidden units to match A's: mlp, lenet, resnet20)", DefaultValueFactory = _ => "none" };
        var points = new Option<int>("--points") { Description = "points t on every path (at least 2)", DefaultValueFactory = _ => 61 };
        var epochs = new Option<int>("--epochs") { Description = "epochs of the bend's training", DefaultValueFactory = _ => 10 };
        var lr = new Option<double>("--lr") { Description = "the bend's SGD learning rate (momentum 0.9)", DefaultValueFactory = _ => 0.01 };
        var batchSize = new Option<int>("--batch-size") { Description = "batch size of the bend's training and of every evaluation", DefaultValueFactory = _ => 128 };
        var microBatch = HessianOptions.MicroBatchOption();
        var bn = new Option<string>("--bn") { Description = "BatchNorm at each t: recompute (running statistics from one pass over the training split) | train | eval", DefaultValueFactory = _ => "recompute" };
        var planeSteps = new Option<int>("--plane-steps")
        {
            Description = "intervals per axis of the loss plane through A, B and the bend (curves only): (N + 1)² points on one batch of 2048 samples, " +
                "441 at the default 20; a multiple of 10 puts A, B and the bend on grid points; 0: no plane",
            DefaultValueFactory = _ => 20,
        };
        var resume = new Option<bool>("--resume") { Description = "finish the interrupted run in --out (same options): the curve's training from its last epoch, the plane from its last point" };
        var outDir = new Option<string?>("--out") { Description = "run folder (default: runs/connect-TIMESTAMP)" };
        shared.AddTo(command);
        var force = RunFolderOptions.Force();
        foreach (var o in new Option[] { to, method, align, points, epochs, lr, batchSize, microBatch, bn, planeSteps, resume, outDir, force }) command.Options.Add(o);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var output = shared.Output(p, processes);
            var options = new ConnectRunOptions
            {
                Source = shared.Source(p), OneDnn = shared.RunSettings(p), To = p.GetValue(to)!, OutDir = p.GetValue(outDir) ?? RunFolder.Default("connect"), Force = p.GetValue(force),
                Method = SettingNames.Parse<PathMethod>(p.GetValue(method)!, "method"), Align = SettingNames.Parse<PathAlignment>(p.GetValue(align)!, "align"),
                Points = p.GetValue(points), Epochs = p.GetValue(epochs), LearningRate = p.GetValue(lr), BatchSize = p.GetValue(batchSize), MicroBatch = p.GetValue(microBatch),
                BatchNorm = SettingNames.Parse<PathBatchNorm>(p.GetValue(bn)!, "bn"), PlaneSteps = p.GetValue(planeSteps), Resume = p.GetValue(resume),
            };
            var results = output.WithProgress(report => ConnectRun.Execute(options, report, say: output.Say));
            RunRenderer.Render(options.OutDir, results);
            foreach (var line in ConnectSummary.Lines(results, Path.GetFullPath(options.OutDir))) output.Say(line);
            output.Finish(results);
            return 0;
        }));
        return command;
    }
}
