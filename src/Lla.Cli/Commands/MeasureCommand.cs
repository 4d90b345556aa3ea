using System.CommandLine;
using Lla.Cli.Display;
using Lla.Measures;
using Lla.Reports;
using Lla.Runs;

namespace Lla.Cli.Commands;

/// <summary>`lla measure`: every standard generalization measure of a trained network beside re and Kh, with its cost and spread.</summary>
internal static class MeasureCommand
{
    public static Command Create(Processes processes)
    {
        string families = string.Join(", ", MeasureFamilies.All.Select(f => f.Name));
        var command = new Command("measure", $"Generalization measures of a model ({families}) with their cost");
        var shared = new SharedOptions();
        var hessian = new HessianOptions(batchSize: 512, batches: "1", runs: 1, lanczosSteps: 80, "run folder (default: runs/measure-TIMESTAMP)");
        var only = new Option<string?>("--only") { Description = $"comma-separated families (default: all): {families}" };
        var labels = new Option<string>("--labels") { Description = "true (the data's) | predicted (the model's own argmax: no labels needed)", DefaultValueFactory = _ => "true" };
        var init = new Option<string?>("--init") { Description = "initial weights θ₀ (dist_init, PAC-Bayes bounds; default: WEIGHTS.init, which lla train saves)" };
        var validation = new Option<string?>("--validation") { Description = "labelled validation data for ATC and DoC (its test split), e.g. holdout:0.1:DATA as lla train --validation-split records" };
        var samRho = new Option<double>("--sam-rho") { Description = "ρ of one-step SAM sharpness", DefaultValueFactory = _ => 0.05 };
        var linfRho = new Option<double>("--rho-linf") { Description = "ρ of adaptive ℓ∞ sharpness", DefaultValueFactory = _ => 0.002 };
        var l2Rho = new Option<double>("--rho-l2") { Description = "ρ of adaptive ℓ2 sharpness (worst and average case)", DefaultValueFactory = _ => 0.1 };
        var samples = new Option<int>("--sharpness-samples") { Description = "n: samples sharpness uses", DefaultValueFactory = _ => 1024 };
        var batch = new Option<int>("--sharpness-batch") { Description = "m: m-sharpness batch (must divide n)", DefaultValueFactory = _ => 128 };
        shared.AddTo(command);
        var force = RunFolderOptions.Force();
        foreach (var o in new Option[] { force, only, labels, init, validation, samRho, linfRho, l2Rho, samples, batch,
                     hessian.Split, hessian.BatchSize, hessian.MicroBatch, hessian.Batches, hessian.Shuffle, hessian.Runs, hessian.LanczosSteps, hessian.KhPower, hessian.CtThreshold, hessian.Bn, hessian.Out })
            command.Options.Add(o);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var output = shared.Output(p, processes);
            var source = shared.Source(p);
            var options = new MeasureRunOptions
            {
                Source = source, Selection = hessian.Selection(p), OneDnn = shared.RunSettings(p),
                Families = MeasureFamilies.ParseList(p.GetValue(only)),
                PredictedLabels = SettingNames.Parse<MeasureLabels>(p.GetValue(labels)!, "labels") == MeasureLabels.Predicted,
                Init = p.GetValue(init), Validation = p.GetValue(validation),
                Analysis = new Curvature.HessianAnalysisOptions
                {
                    TopK = 1, Runs = p.GetValue(hessian.Runs), LanczosSteps = p.GetValue(hessian.LanczosSteps),
                    KhPower = p.GetValue(hessian.KhPower), CtThreshold = p.GetValue(hessian.CtThreshold), Seed = source.Seed,
                },
                Sharpness = new SharpnessOptions { SamRho = p.GetValue(samRho), LinfRho = p.GetValue(linfRho), L2Rho = p.GetValue(l2Rho), SampleCount = p.GetValue(samples), BatchSize = p.GetValue(batch) },
                OutDir = p.GetValue(hessian.Out) ?? RunFolder.Default("measure"), Force = p.GetValue(force),
            };
            var results = output.WithProgress(report => MeasureRun.Execute(options, report, processes.Group, output.Say));
            if (!processes.IsRoot) return 0;
            RunRenderer.Render(options.OutDir, results);
            if (output.Chatty) ConsoleTable.Write(MeasureTable.Columns, MeasureTable.Rows(results.Measures!));
            output.Say($"Results: {Path.Combine(Path.GetFullPath(options.OutDir), ResultsSerializer.ResultsFile)}; open {Path.Combine(Path.GetFullPath(options.OutDir), HtmlReport.FileName)} for the report");
            output.Finish(results);
            return 0;
        }));
        return command;
    }
}
