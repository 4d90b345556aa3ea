using Lla.Analysis;
using System.CommandLine;
using Lla.Reports;

namespace Lla.Cli.Commands;

/// <summary>
/// `lla analyze`: the main job. Eigenpairs, trace, spectral density and criteria, accuracy and an
/// ESD figure, on the embedded default unless told otherwise. Its "quick" profile is pinned so it
/// finishes in under a minute on 2 cores (one batch of 512 training images, one 80-step SLQ run);
/// "--profile full" uses the full-size settings (one batch of 2,048, three 100-step SLQ runs).
/// It also draws a random and a Hessian-axes plane (filter-L2, 21×21 points quick, 41×41 full).
/// Explicit options override the profile; what ran is recorded in results.json.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("analyze", "The main job: Hessian spectrum, criteria, accuracy and figures for a model (the embedded default unless told otherwise)");
        var shared = new SharedOptions();
        var profile = new Option<string>("--profile") { Description = "quick (pinned: batch 512, 1 SLQ run of 80 steps; under 60 s on 2 cores) | full (batch 2048, 3 runs of 100 steps, the H = G + R split)", DefaultValueFactory = _ => "quick" };
        var hessian = new HessianOptions(batchSize: 512, batches: "1", runs: 1, lanczosSteps: 80, "run folder (default: runs/analyze-TIMESTAMP)");
        var colorScale = SharedOptions.ColorScaleOption();
        var landscapeSteps = new Option<int>("--landscape-steps") { Description = "grid intervals of the random and Hessian-axes planes (even; 0: none; quick 20, full 40)", DefaultValueFactory = _ => 20 };
        shared.AddTo(command);
        command.Options.Add(profile);
        command.Options.Add(landscapeSteps);
        command.Options.Add(colorScale);
        var force = RunFolderOptions.Force();
        command.Options.Add(force);
        hessian.AddTo(command, switches: false);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            string name = p.GetValue(profile)!;
            var profileChosen = AnalyzeProfile.Parse(name);
            var scale = SettingNames.Parse<ColorScale>(p.GetValue(colorScale)!, "color-scale");
            var asked = hessian.RunOptions(p, shared, force, command, trace: true, esd: true);
            var settings = profileChosen.For(asked.Source.Model).Override(Given(p, hessian.BatchSize), Given(p, hessian.Runs), Given(p, hessian.LanczosSteps), Given(p, landscapeSteps));
            var options = AnalyzeRun.Options(asked, settings);
            return HessianCommand.Execute(options, shared.Output(p, processes), processes, scale);
        }));
        return command;
    }

    /// <summary>The option's value if the user gave it explicitly, else null (so the profile decides).</summary>
    private static int? Given(ParseResult p, Option<int> option)
    {
        var result = p.GetResult(option);
        return result is null || result.Implicit ? null : p.GetValue(option);
    }
}
