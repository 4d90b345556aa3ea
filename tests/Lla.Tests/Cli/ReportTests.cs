using Lla.Tests.Support;
using SkiaSharp;

namespace Lla.Tests.Cli;

/// <summary>A test that needs Debian's chromium; skipped, with the reason shown, where it is not installed.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public const string Browser = "/usr/bin/chromium";
    public RequiresChromiumFactAttribute()
    {
        if (!File.Exists(Browser)) Skip = $"no browser at {Browser} (apt-get install chromium) to open report.html in";
    }
}

public class ReportTests
{
    private static string AnalyzeRun()
    {
        string dir = Paths.NewTempFolder();
        var outcome = LlaProcess.Run("analyze", "--lanczos-steps", "20", "--landscape-steps", "6", "--out", dir, "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        return dir;
    }

    [Fact]
    public void Report_redraws_figures_and_page_from_results_alone()
    {
        string dir = AnalyzeRun();
        string results = File.ReadAllText(Path.Combine(dir, "results.json"));
        var drawn = new[] { "esd.png", "landscape-0.png", "landscape-2-cuts.png", "report.html" };
        foreach (var f in drawn) { Assert.True(File.Exists(Path.Combine(dir, f)), f); File.Delete(Path.Combine(dir, f)); }
        var outcome = LlaProcess.Run("report", dir);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        foreach (var f in drawn) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Equal(results, File.ReadAllText(Path.Combine(dir, "results.json")));
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
        var missing = LlaProcess.Run("report", Path.Combine(dir, "nope"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("run folder not found", missing.Stderr);
    }

    [Fact]
    public void Quiet_prints_nothing_json_prints_the_results_and_compare_tabulates_runs()
    {
        string dir = Paths.NewTempFolder();
        var quiet = LlaProcess.Run("hessian", "--top-k", "1", "--batch-size", "256", "--quiet", "--out", Path.Combine(dir, "a"), "--threads", "2");
        Assert.True(quiet.ExitCode == 0, quiet.Stderr);
        Assert.Equal("", quiet.Stdout.Trim());
        Assert.Equal("", quiet.Stderr.Trim());
        var json = LlaProcess.Run("hessian", "--top-k", "1", "--esd", "--lanczos-steps", "10", "--batch-size", "256", "--json", "--out", Path.Combine(dir, "b"), "--threads", "2");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var printed = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!;
        var saved = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "b", "results.json")))!;
        Assert.Equal(saved["hessian"]!["top_eigenvalues"]![0]!.GetValue<double>(), printed["hessian"]!["top_eigenvalues"]![0]!.GetValue<double>());
        var compare = LlaProcess.Run("compare", Path.Combine(dir, "a"), Path.Combine(dir, "b"), "--out", Path.Combine(dir, "cmp"));
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        var csv = File.ReadAllLines(Path.Combine(dir, "cmp", "comparison.csv"));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("run,model,data,split,accuracy", csv[0]);
        Assert.EndsWith(",MP", csv[2]); // run b has a spectrum; run a has none
        Assert.True(File.Exists(Path.Combine(dir, "cmp", "esd-overlay.png")));
        var bad = LlaProcess.Run("compare", Path.Combine(dir, "nothing"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("run folder not found", bad.Stderr);
    }

    [RequiresChromiumFact]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void The_page_renders_in_a_real_browser_without_errors()
    {
        string dir = AnalyzeRun();
        string page = "file://" + Path.Combine(dir, "report.html");
        (string Out, string Err) Chromium(params string[] args)
        {
            var outcome = ProcessRunner.Run(RequiresChromiumFactAttribute.Browser,
                new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0" }.Concat(args), timeout: TimeSpan.FromSeconds(90));
            return (outcome.Stdout, outcome.Stderr);
        }
        var dom = Chromium("--dump-dom", page);
        Assert.Contains("data-rendered=\"true\"", dom.Out); // the script ran to its end
        Assert.Contains("HESD type: MP", dom.Out);
        Assert.DoesNotContain("Uncaught", dom.Err);
        Assert.DoesNotContain("Refused to", dom.Err); // nothing tried to load from anywhere
        string shot = Path.Combine(dir, "shot.png");
        Chromium("--window-size=1200,2400", $"--screenshot={shot}", page);
        using var bitmap = SKBitmap.Decode(shot);
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 4)
            for (int x = 0; x < bitmap.Width; x += 4) colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 200, $"the screenshot has only {colours.Count} colours: the plots were not drawn");
    }
}
