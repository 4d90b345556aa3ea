using System.CommandLine;
using System.Text.Json.Nodes;
using Lla.Cli.Display;
using Lla.Cli.Pipeline;
using Lla.Native;
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
    public static readonly string[] Presets = { "quick", "paper" };

    public static Command Create()
    {
        var command = new Command("study", "Train models, test them on shifted data and check whether the Hessian criteria track accuracy");
        var config = new Option<string?>("--config") { Description = "a study config (JSON): models, shifts, analysis settings; see src/Lla.Cli/Presets/*.json" };
        var preset = new Option<string?>("--preset") { Description = "a built-in study: quick (a few small models, minutes) | paper (the README's study)" };
        var output = new Option<string?>("--out") { Description = "the study folder (default: study-NAME); rerun with the same folder to resume" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
        var oneDnn = new Option<string>("--onednn") { Description = "oneDNN for backward passes: auto (checked by the numeric guard) | on | off", DefaultValueFactory = _ => "auto" };
        var quiet = new Option<bool>("--quiet") { Description = "print nothing but errors" };
        var json = new Option<bool>("--json") { Description = "print study.json on stdout" };
        foreach (var o in new Option[] { config, preset, output, threads, oneDnn, quiet, json }) command.Options.Add(o);

        command.SetAction(p => CommandAction.Run(() =>
        {
            OutputMode.Quiet = p.GetValue(quiet);
            OutputMode.Json = p.GetValue(json);
            if (Cluster.Distributed) throw new LlaException("lla study runs as one process: start it without mpiexec");
            string? configPath = p.GetValue(config), presetName = p.GetValue(preset);
            if ((configPath is null) == (presetName is null)) throw new LlaException("give either --config FILE or --preset quick|paper");
            if (presetName is not null && !Presets.Contains(presetName)) throw new LlaException($"unknown preset '{presetName}' (known: {string.Join(", ", Presets)})");
            var study = StudyConfig.Load(configPath ?? Path.Combine(AppContext.BaseDirectory, "presets", presetName + ".json"));
            string folder = p.GetValue(output) ?? $"study-{study.Name}";
            if (File.Exists(folder)) throw new LlaException($"--out {folder} is a file, not a folder");
            var setting = SharedOptions.ParseOneDnn(p.GetValue(oneDnn)!);
            RuntimeSetup.SetThreads(p.GetValue(threads));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            StudyOutcome outcome;
            JsonObject meta;
            using (var display = ProgressDisplay.Start())
                (outcome, meta) = new StudyRunner(study, folder, setting, display.Report, OutputMode.Say).Run();
            meta["preset"] = presetName;
            meta["config_file"] = configPath is null ? null : Path.GetFullPath(configPath);
            var files = StudyReport.Write(folder, study, outcome, meta);
            OutputMode.Say("");
            foreach (var finding in outcome.Findings) OutputMode.Say(finding);
            OutputMode.Say($"wrote {string.Join(", ", files)} and measurements.jsonl to {folder} ({clock.Elapsed.TotalSeconds:F0} s)");
            OutputMode.Finish(StudyReport.StudyJson(study, outcome, meta));
            return 0;
        }));
        return command;
    }
}
