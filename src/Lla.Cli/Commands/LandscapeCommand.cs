using System.CommandLine;
using Lla.Landscapes;
using Lla.Reports;
using Lla.Runs;

namespace Lla.Cli.Commands;

/// <summary>`lla landscape`: loss surfaces on planes of weight space around the analysed weights.</summary>
internal static class LandscapeCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("landscape", "Loss landscapes on planes around the weights: random, Adam, Hessian, checkpoint or file axes");
        var shared = new SharedOptions();
        var axes = new Option<string>("--axes") { Description = "random (Gaussian) | uniform (the seed library's [0,1) draws) | adam | hessian | pca | checkpoints | file", DefaultValueFactory = _ => "random" };
        var norm = new Option<string>("--norm") { Description = "none | weight | layer | model | filter", DefaultValueFactory = _ => "filter" };
        var order = new Option<int>("--order") { Description = "norm order: 1 (L1) or 2 (L2)", DefaultValueFactory = _ => 2 };
        var mode = new Option<string>("--mode") { Description = "add (θ* + α·d1 + β·d2) | adameq (θ* + (a/√b)·m/(√v + ε), Adam axes only)", DefaultValueFactory = _ => "add" };
        var distance = new Option<double>("--distance") { Description = "add: α, β span [−distance/2, distance/2]; adameq: a in [−distance, distance], b in [0.1, 0.1 + 2·distance]", DefaultValueFactory = _ => 1.0 };
        var steps = new Option<int>("--steps") { Description = "intervals per axis (even; steps + 1 points)", DefaultValueFactory = _ => 40 };
        var ignoreBiasBn = new Option<bool>("--ignore-biasbn") { Description = "zero the directions' bias and BatchNorm (1-D) entries" };
        var freeze = new Option<int?>("--freeze") { Description = "K ≥ 0: keep parameter tensors from index K on fixed; K < 0: keep those before index |K| fixed" };
        var freezeNames = new Option<string?>("--freeze-names") { Description = "keep parameters whose names match these comma-separated globs fixed" };
        var lossCap = new Option<double?>("--loss-cap") { Description = "clip the loss to [0, X]" };
        var numPlots = new Option<int>("--num-plots") { Description = "random planes to draw (seeds seed, seed+1, …)", DefaultValueFactory = _ => 1 };
        var allModes = new Option<bool>("--all-modes") { Description = "the seed library's panel: random axes with none/weight/filter-L1/filter-L2, then Hessian (or Adam, plus adameq) axes" };
        var eigenPair = new Option<string>("--eigen-pair") { Description = "which eigenvectors are the Hessian axes (0-based, by magnitude), or max,min (most positive, most negative curvature)", DefaultValueFactory = _ => "0,1" };
        var hessianRun = new Option<string?>("--hessian-run") { Description = "take the Hessian axes from an `lla hessian` run folder instead of computing them" };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "one or two other weight files (comma-separated): the line or plane through them and --weights" };
        var trajectoryOption = new Option<string?>("--trajectory") { Description = "PCA axes: the checkpoints of a training run (comma-separated, or a glob such as 'lenet.bin.epoch*' from lla train --save-every)" };
        var directions = new Option<string?>("--directions") { Description = "a direction file (d1.NAME, d2.NAME), e.g. an earlier run's landscape-0.directions.bin" };
        var optimizerState = new Option<string?>("--optimizer-state") { Description = "checkpoint holding the Adam state (default: --weights)" };
        var colorScale = SharedOptions.ColorScaleOption();
        var resume = new Option<bool>("--resume") { Description = "finish an interrupted run in --out (same options), keeping every finished point" };
        var hessian = new HessianOptions(batchSize: 2048, batches: "1", runs: 1, lanczosSteps: 100, "run folder (default: runs/landscape-TIMESTAMP)");
        shared.AddTo(command);
        var force = RunFolderOptions.Force();
        foreach (var opt in new Option[] { force, axes, norm, order, mode, distance, steps, ignoreBiasBn, freeze, freezeNames, lossCap, numPlots, allModes,
                     eigenPair, hessianRun, checkpoints, trajectoryOption, directions, optimizerState, resume, colorScale,
                     hessian.Operator, hessian.Split, hessian.BatchSize, hessian.MicroBatch, hessian.Batches, hessian.Shuffle, hessian.Bn, hessian.Out })
            command.Options.Add(opt);

        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var scale = SettingNames.Parse<ColorScale>(p.GetValue(colorScale)!, "color-scale");
            T? Given<T>(Option<string> option, string name) where T : struct, Enum => p.GetResult(option) is { Implicit: false } ? SettingNames.Parse<T>(p.GetValue(option)!, name) : null;
            int? GivenNumber(Option<int> option) => p.GetResult(option) is { Implicit: false } ? p.GetValue(option) : null;
            var asked = new PlanesAsked(Given<AxesKind>(axes, "axes"), Given<NormKind>(norm, "norm"), GivenNumber(order), Given<UpdateRule>(mode, "mode"),
                GivenNumber(numPlots), p.GetValue(allModes), p.GetValue(shared.Seed),
                p.GetResult(eigenPair) is { Implicit: false } ? p.GetValue(eigenPair) : null, Given<Curvature.CurvatureOperator>(hessian.Operator, "operator"));
            var planes = asked.Planes();
            var (e1, e2, maxMin) = asked.EigenAxes();
            var output = shared.Output(p, processes);
            var options = new LandscapeRunOptions
            {
                Source = shared.Source(p), Selection = hessian.Selection(p), OneDnn = shared.RunSettings(p), Planes = planes,
                Steps = p.GetValue(steps), Distance = p.GetValue(distance), IgnoreBiasAndBatchNorm = p.GetValue(ignoreBiasBn),
                Freeze = p.GetValue(freeze), FreezeNames = p.GetValue(freezeNames), LossCap = p.GetValue(lossCap),
                EigenFirst = e1, EigenSecond = e2, EigenMaxMin = maxMin, Operator = asked.Operator ?? Curvature.CurvatureOperator.Hessian,
                HessianRun = p.GetValue(hessianRun),
                Checkpoints = (p.GetValue(checkpoints) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Trajectory = CheckpointFiles.Expand(p.GetValue(trajectoryOption)), DirectionFile = p.GetValue(directions), OptimizerState = p.GetValue(optimizerState),
                OutDir = p.GetValue(hessian.Out) ?? RunFolder.Default("landscape"), Resume = p.GetValue(resume), Force = p.GetValue(force),
            };
            var results = output.WithProgress(report => LandscapeRun.Execute(options, report, processes.Group, say: output.Say));
            if (!processes.IsRoot) return 0;
            RunRenderer.Render(options.OutDir, results, scale);
            foreach (var line in LandscapeSummary.Lines(results, asked, planes, Path.GetFullPath(options.OutDir))) output.Say(line);
            output.Finish(results);
            return 0;
        }));
        return command;
    }
}
