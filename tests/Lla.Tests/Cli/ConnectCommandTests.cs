using Lla.Objectives;
using Lla.Connectivity;
using Lla.Models;
using Lla.Tests.Connectivity;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla connect` through the command line, in-process: every bad input of issue 17 is one line on stderr, exit code 2,
/// refused before any work, with no folder left behind; a small valid run writes the folder, the figure and the page.
/// </summary>
[Collection("console")]
public class ConnectCommandTests
{
    public ConnectCommandTests() => TestTorch.Init();

    /// <summary>`lla connect` on the fixture's two MLPs, small settings; <paramref name="more"/> replaces or adds options (flags stand alone).</summary>
    private static string[] Args(params string[] more)
    {
        var options = new List<(string Name, string? Value)>
        {
            ("--model", "mlp"), ("--weights", ConnectFixture.A), ("--to", ConnectFixture.B), ("--data", ConnectFixture.Data), ("--dtype", "float64"),
            ("--points", "3"), ("--epochs", "1"), ("--batch-size", "16"), ("--threads", "1"),
        };
        for (int i = 0; i < more.Length; i++)
        {
            bool flag = i + 1 == more.Length || more[i + 1].StartsWith("--");
            var entry = (more[i], flag ? null : more[i + 1]);
            int at = options.FindIndex(o => o.Name == more[i]);
            if (at >= 0) options[at] = entry; else options.Add(entry);
            if (!flag) i++;
        }
        return new[] { "connect" }.Concat(options.SelectMany(o => o.Value is null ? new[] { o.Name } : new[] { o.Name, o.Value })).ToArray();
    }

    public static TheoryData<string, string> Invalid()
    {
        var cases = new TheoryData<string, string>();
        void Add(string expected, params string[] args) => cases.Add(string.Join("|", args), expected);
        Add("--points must be at least 2", "--points", "1");
        Add("--points must be at least 2", "--points", "-4");
        Add("--to is not a model of --weights' architecture", "--to", "OTHER");          // a LeNet's weights for an MLP
        Add("unexpected: layer1.weight", "--to", "RENAMED");                             // same shapes, another name
        Add("--to: weights file not found", "--to", "/no/such/b.bin");
        Add("--align weights has no permutation spec for resnet18", "--model", "resnet18", "--align", "weights");
        Add("no layer graph to permute", "--model", "TORCHSCRIPT", "--weights", ConnectFixture.B, "--align", "weights");
        Add("--method must be linear, bezier or chain", "--method", "spline");
        Add("--align must be none or weights", "--align", "activations");
        Add("--bn must be recompute, train or eval", "--bn", "batch");
        Add("--epochs must be at least 1", "--method", "bezier", "--epochs", "0");
        Add("--lr must be positive", "--method", "chain", "--lr", "0");
        Add("must be a finite number", "--method", "chain", "--lr", "NaN");
        Add("holds no interrupted curve training", "--method", "bezier", "--resume");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_input_is_one_line_exit_2_and_leaves_no_folder(string extra, string expected)
    {
        string cwd = Paths.NewTempFolder();
        var more = extra.Split('|').Select(a => a switch
        {
            "OTHER" => ConnectFixture.OtherArchitecture,
            "RENAMED" => ConnectFixture.Renamed,
            "TORCHSCRIPT" => "torchscript:" + Paths.Fixture("bn_cnn.pt"),
            _ => a,
        });
        var outcome = InProcessLla.Run(cwd, Args(more.Concat(new[] { "--out", "run" }).ToArray()));
        AssertOneLine(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void Resuming_with_a_bend_of_another_model_is_refused_naming_the_mismatch()
    {
        // An interrupted run, then its saved bend replaced by a LeNet's weights.
        string dir = Path.Combine(Paths.NewTempFolder(), "run");
        var options = new ConnectRunOptions
        {
            Source = new ModelSource("mlp", ConnectFixture.A, ConnectFixture.Data, ScalarType.Float64, Seed: 42),
            To = ConnectFixture.B, OutDir = dir, Method = PathMethod.Bezier, Points = 3, Epochs = 2, BatchSize = 16,
        };
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ConnectRun.Execute(options,
            p => { if (p.Stage == "curve training" && p.Done == 6) cancel.Cancel(); }, cancel.Token));
        File.Copy(ConnectFixture.OtherArchitecture, Path.Combine(dir, BendProgress.TensorsFile), overwrite: true);
        var before = Directory.GetFileSystemEntries(dir).Order().ToArray();
        var outcome = InProcessLla.Run(Path.GetDirectoryName(dir)!, Args("--method", "bezier", "--epochs", "2", "--seed", "42", "--out", "run", "--resume"));
        AssertOneLine(outcome, "the saved bend");
        Assert.Contains("does not have the architecture of model A", outcome.Stderr);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir).Order().ToArray());
    }

    [Fact]
    public void A_small_run_writes_results_checkpoints_the_figure_and_the_page()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, Args("--method", "chain", "--align", "weights", "--out", "run", "--quiet"));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        foreach (var file in new[] { "results.json", "paths.png", "landscape-0.png", "report.html", ConnectRun.AlignedFile, ConnectRun.BendFile })
            Assert.True(File.Exists(Path.Combine(cwd, "run", file)), file);
        var results = Lla.Runs.ResultsSerializer.ReadRun(Path.Combine(cwd, "run"));
        Assert.Equal(3, results.Paths!.Count);
        Assert.Contains("paths.png", Lla.Reports.FigureManifest.Read(Path.Combine(cwd, "run")));
        Assert.NotNull(results.Connect!.Verdict); // the library's verdict, stored by the job
        Assert.Contains("Mode connectivity", File.ReadAllText(Path.Combine(cwd, "run", "report.html")));
    }

    [RequiresChromiumFact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void The_page_says_in_words_whether_the_models_are_connected_in_a_real_browser()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, Args("--method", "bezier", "--align", "weights", "--out", "run", "--quiet"));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var page = ProcessRunner.Run(RequiresChromiumFactAttribute.Browser,
            new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + Path.Combine(cwd, "run", "report.html") },
            timeout: TimeSpan.FromSeconds(90));
        Assert.Contains("data-rendered=\"true\"", page.Stdout); // the script ran to its end
        Assert.Contains("Models A and B are ", page.Stdout);
        Assert.Contains("The straight line from A to B has a training-loss barrier of", page.Stdout);
        Assert.Contains("The trained bezier curve (to the aligned B)", page.Stdout);
        Assert.DoesNotContain("Uncaught", page.Stderr);
    }

    private static void AssertOneLine(InProcessLla.Outcome outcome, string expected)
    {
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}; stdout: {outcome.Stdout}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }
}
