using Lla.Reports;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// Issue 23's hostile probe of `lla report` and `lla compare`, in-process on results.json files written here: empty
/// arrays render what there is, an output name that is a folder is one line with exit 2 and nothing drawn, and the
/// comparison table printed to a pipe is whole (no wrapping, no "± 0" for one SLQ run, a measure run's λ1 shown).
/// </summary>
[Collection("console")]
public class ReportAndCompareCaseTests
{
    private static readonly string[] Figures = { HessianView.EsdFigure, "landscape-0.png", "landscape-0-cuts.png", ConnectPlot.FileName };

    private static string Write(RunResults results, string? name = null)
    {
        string dir = Path.Combine(Paths.NewTempFolder(), name ?? "run");
        Directory.CreateDirectory(dir);
        ResultsSerializer.Write(Path.Combine(dir, ResultsSerializer.ResultsFile), results);
        return dir;
    }

    private static DensityRecord Density() => new(new[] { -1.0, 0, 1, 2, 3 }, new[] { 1e-6, 2.0, 0.5, 1e-3, 0 }, 0.01);

    private static HessianRecord Hessian(int slqRuns, double re, double reStd) => new()
    {
        ParameterCount = 100,
        TopEigenvalues = new[] { 12.5 },
        Esd = new EsdRecord(Enumerable.Range(0, slqRuns).Select(_ => new SlqRunRecord(new[] { 0.1, 3.0 }, new[] { 0.9, 0.1 }, 2)).ToArray(), null, 4, Density()),
        Criteria = new CriteriaRecord(re, reStd, 0.25, reStd, 0.9, reStd, 0.5, -0.6, "MP", Array.Empty<string>(),
            Enumerable.Range(0, slqRuns).Select(_ => new CriteriaRunRecord(0.1, 3.0, re, 0.25, 0.9, null)).ToArray()),
    };

    [Fact]
    public void Report_of_results_with_empty_arrays_draws_what_there_is_without_a_crash()
    {
        var empty = new LandscapeRecord
        {
            Axes = "random", Norm = "filter", Mode = "add", Label = "an empty plane",
            Alphas = Array.Empty<double>(), Betas = Array.Empty<double>(), Loss = Array.Empty<double[]>(), Accuracy = Array.Empty<double[]>(),
        };
        var ragged = empty with { Label = "a ragged plane", Alphas = new[] { 0.0, 1 }, Betas = new[] { 0.0, 1 }, Loss = new[] { new[] { 1.0, 2 }, new[] { 1.0 } } };
        var results = new RunResults
        {
            Command = "hessian",
            Hessian = new HessianRecord
            {
                ParameterCount = 100,
                TopEigenvalues = Array.Empty<double>(), EigenResiduals = Array.Empty<double>(), EigenConverged = Array.Empty<bool>(),
                Esd = new EsdRecord(new[] { new SlqRunRecord(Array.Empty<double>(), Array.Empty<double>(), 0) }, null, 0,
                    new DensityRecord(Array.Empty<double>(), Array.Empty<double>(), 0.01)),
            },
            Landscapes = new[] { empty, ragged },
            Paths = new[] { new ModePathRecord("linear", false, "train", Array.Empty<double>(), Array.Empty<double>(), Array.Empty<double>(),
                Array.Empty<double>(), Array.Empty<double>(), double.NaN, double.NaN) },
        };
        string dir = Write(results);
        var run = InProcessLla.Run(dir, "report", dir);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("", run.Stderr);
        Assert.Contains("redrew 0 figures", run.Stdout);
        Assert.True(File.Exists(Path.Combine(dir, HtmlReport.FileName)));
        foreach (var f in Figures) Assert.False(File.Exists(Path.Combine(dir, f)), f);
    }

    [Fact]
    public void Report_where_report_html_is_a_folder_is_one_line_exit_2_and_draws_nothing()
    {
        string dir = Write(new RunResults { Command = "hessian", Hessian = Hessian(2, 0.1, 0.01) });
        Directory.CreateDirectory(Path.Combine(dir, HtmlReport.FileName));
        var run = InProcessLla.Run(dir, "report", dir);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Contains("report.html is a folder", run.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, HessianView.EsdFigure)));
        Assert.Equal(new[] { HtmlReport.FileName, ResultsSerializer.ResultsFile }.Order(),
            Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order());
        // With the folder gone, the same run renders.
        Directory.Delete(Path.Combine(dir, HtmlReport.FileName));
        var again = InProcessLla.Run(dir, "report", dir);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.True(File.Exists(Path.Combine(dir, HessianView.EsdFigure)));
    }

    [Fact]
    public void Compare_to_a_pipe_prints_whole_rows_with_spread_only_for_several_runs_and_a_measure_runs_lambda_max()
    {
        string several = Write(new RunResults { Command = "hessian", Accuracy = 0.987654, Hessian = Hessian(3, 0.123456789, 0.0123) }, "a-run-with-a-rather-long-name-of-several-slq-runs");
        string single = Write(new RunResults { Command = "hessian", Accuracy = 0.5, Hessian = Hessian(1, 0.3456789, 0) }, "another-run-with-a-long-name-and-one-slq-run");
        var lambdaMax = new MeasureRecord("lambda_max", "curvature", 42.4242, null, null, 1, 0.1, 0, 0, new MeasureDataRecord(null, null, 0, "eval", "true"),
            true, false, false, null, null, "the sharpest curvature");
        string measured = Write(new RunResults { Command = "measure", Measures = new[] { lambdaMax, lambdaMax with { Name = "trace", Value = 777.0 } } }, "measure-run");
        string cwd = Paths.NewTempFolder();
        var run = InProcessLla.Run(cwd, "compare", several, single, measured, "--out", "cmp");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n');
        string Row(string name) => Assert.Single(lines, l => l.StartsWith(name));
        // Every value of a run on its run's line, whole: nothing cut at 80 columns.
        Assert.Single(lines, l => l.StartsWith("run "));
        string a = Row(Path.GetFileName(several)), b = Row(Path.GetFileName(single)), m = Row("measure-run");
        Assert.True(a.Length > 80, a);
        Assert.Contains("98.77", a);
        Assert.Contains("0.1235 ± 0.012", a);
        Assert.Contains("MP", a);
        Assert.Contains("0.3457", b);
        Assert.DoesNotContain("±", b); // one SLQ run: no spread to show
        Assert.Contains("42.42", m);  // λ1 of a measure run: its lambda_max
        Assert.Contains("777", m);
        Assert.DoesNotContain("│", run.Stdout); // a plain table, not a terminal's box
    }

    [Fact]
    public void The_plain_table_pads_columns_to_their_widest_cell_and_wraps_nothing()
    {
        var wide = new RunSummary(new string('r', 120), "lenet", "d", "train", 0.5, null, 1.5, null, 0.25, 0.01, 0.5, 0.02, 0.9, 0.03, "MP", null, 2);
        var narrow = wide with { Run = "b", ReStd = null, KhStd = null, CtStd = null, CriteriaRuns = 1 };
        var lines = RunComparison.PlainTable(new[] { wide, narrow }).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        int modelColumn = lines[0].IndexOf("model", StringComparison.Ordinal);
        Assert.Equal(122, modelColumn);
        Assert.All(lines.Skip(1), l => Assert.Equal("lenet", l.Substring(modelColumn, 5)));
        Assert.Contains("0.25 ± 0.01", lines[1]);
        Assert.DoesNotContain("±", lines[2]);
        Assert.Contains("n/a", lines[2]); // no test accuracy
    }

    [Fact]
    public async Task A_named_pipe_as_results_json_is_one_line_not_a_hang()
    {
        string run = Path.Combine(Paths.NewTempFolder(), "run");
        Directory.CreateDirectory(run);
        InputPathCaseTests.MakeFifo(Path.Combine(run, "results.json"));
        foreach (var command in new[] { "report", "compare" })
        {
            var task = Task.Run(() => InProcessLla.Run(Paths.NewTempFolder(), command, run));
            Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(1))) == task, $"{command} blocked on a named pipe");
            Refusal.AssertOneLine(await task, "results.json is a named pipe (FIFO)");
        }
    }
}
