using System.CommandLine;
using Lla.Reports;
using Lla.Studies;

namespace Lla.Cli.Commands;

/// <summary>
/// `lla study`: the papers' experiment. Trains (or loads) the models of a config, measures accuracy
/// and the criteria on the training split, the clean test split and every shift, and reports
/// whether Δcriterion tracks Δaccuracy. Resumable: rerun the same command to continue.
/// </summary>
internal static class StudyCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("study", "Train models, test them on shifted data and check whether the Hessian criteria track accuracy");
        var config = new Option<string?>("--config") { Description = "a study config (JSON): models, shifts, analysis settings; see src/Lla.Cli/Presets/*.json" };
        var preset = new Option<string?>("--preset") { Description = "a built-in study: quick (a few small models, minutes) | paper (the README's study) | zoo (32 LeNets over 5 axes, 2 ResNet-20s) | pgdl (42 nets trained toward 99% on the full Fashion-MNIST, scored with CMI; needs dataset-fashion-mnist)" };
        var outFolder = new Option<string?>("--out") { Description = "the study folder (default: study-NAME); rerun with the same folder to resume" };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "also log each trained model's loss and accuracy as TensorBoard event files in DIR/MODEL" };
        var shared = new SharedOptions();
        foreach (var o in new Option[] { config, preset, outFolder, tensorBoard, shared.Threads, shared.OneDnn, shared.Quiet, shared.Json }) command.Options.Add(o);
        var force = RunFolderOptions.Force();
        command.Options.Add(force);
        command.Subcommands.Add(StudyScoreCommand.Create(processes));

        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            var output = shared.Output(p, processes);
            string? configPath = p.GetValue(config), presetName = p.GetValue(preset);
            var study = StudyPresets.Load(configPath, presetName);
            string folder = p.GetValue(outFolder) ?? $"study-{study.Name}";
            var setting = shared.RunSettings(p);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var options = new StudyRunOptions(study, folder, setting) { Preset = presetName, ConfigFile = configPath, TensorBoard = p.GetValue(tensorBoard), Force = p.GetValue(force),
                MeasuringThreads = processes.Distributed && p.GetValue(shared.Threads) is null && Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null ? Environment.ProcessorCount : null };
            // Under MPI every rank trains its share of the models; rank 0 then measures them all and writes the results.
            if (!processes.IsRoot) { StudyRun.TrainShare(options, processes.Group, say: output.Say); return 0; }
            var results = output.WithProgress(report => StudyRun.Execute(options, report, output.Say, group: processes.Group));
            var files = StudyReport.Write(folder, study, results);
            foreach (var line in StudySummary.Lines(results, files, folder, clock.Elapsed)) output.Say(line);
            output.Finish(results);
            return 0;
        }));
        return command;
    }
}
