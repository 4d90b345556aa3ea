using System.CommandLine;
using Lla.Reports;

namespace Lla.Cli.Commands;

/// <summary>`lla report RUN_DIR`: redraws the figures and report.html of a finished run from its results.json, computing nothing.</summary>
internal static class ReportCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("report", "Redraw the figures and report.html of a finished run from its results.json (nothing is recomputed)");
        var folder = new Argument<string>("RUN_DIR") { Description = "the folder of a finished run" };
        var colorScale = SharedOptions.ColorScaleOption();
        command.Arguments.Add(folder);
        command.Options.Add(colorScale);
        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            string dir = p.GetValue(folder)!;
            var figures = RunRenderer.Render(dir, SettingNames.Parse<ColorScale>(p.GetValue(colorScale)!, "color-scale"));
            Console.WriteLine($"redrew {figures.Count} figure{(figures.Count == 1 ? "" : "s")} and {Path.Combine(dir, HtmlReport.FileName)}");
            return 0;
        }));
        return command;
    }
}
