using System.Security.Cryptography;
using Lla.Reports;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Reports;

/// <summary>
/// Rendering a folder: results.json is the job's and stays byte for byte; the figures drawn are listed in figures.json; the
/// page shows each payload's stored conclusions as stored and words none of its own; old folders still render.
/// </summary>
public class RenderTests
{
    public RenderTests() => TestTorch.Init();

    private static string Folder(RunResults results)
    {
        string dir = Paths.NewTempFolder();
        ResultsSerializer.Write(Path.Combine(dir, ResultsSerializer.ResultsFile), results);
        return dir;
    }

    private static byte[] Hash(string file) => SHA256.HashData(File.ReadAllBytes(file));

    [Fact]
    public void Rendering_leaves_results_json_byte_for_byte_and_lists_the_figures_in_figures_json()
    {
        string dir = Folder(FullResults.Every());
        string results = Path.Combine(dir, ResultsSerializer.ResultsFile);
        var before = Hash(results);
        var stamp = File.GetLastWriteTimeUtc(results);
        var figures = RunRenderer.Render(dir);
        RunRenderer.Render(dir); // and again, as `lla report` does
        Assert.Equal(before, Hash(results));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(results));
        Assert.Equal([HessianView.EsdFigure, CurvatureSplitView.SplitFigure, PerLayerView.PerLayerFigure, BlockSpectraView.BlockSpectraFigure, "landscape-0.png", "landscape-0-3d.png", "landscape-0-cuts.png", ConnectPlot.FileName],
            figures);
        Assert.Equal(figures, FigureManifest.Read(dir));
        foreach (var f in figures) Assert.True(new FileInfo(Path.Combine(dir, f)).Length > 1000, f);
        Assert.False(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(results))!.AsObject().ContainsKey("figures"));
    }

    [Fact]
    public void The_page_shows_the_stored_conclusions_and_words_none_of_its_own()
    {
        string dir = Folder(FullResults.Every());
        RunRenderer.Render(dir);
        string html = File.ReadAllText(Path.Combine(dir, HtmlReport.FileName));
        string Between(string start, string end) { int i = html.IndexOf(start, StringComparison.Ordinal) + start.Length; return html[i..html.IndexOf(end, i, StringComparison.Ordinal)]; }
        string layout = Between("<script type=\"application/json\" id=\"lla-page\">", "</script>"), noScript = Between("<noscript>", "</noscript>");
        foreach (var stored in new[] { FullResults.Meaning, FullResults.SplitSentence, FullResults.ConnectionSentence, "STORED barriers", "STORED rule", "the sharpest curvature" })
        {
            Assert.Contains(stored, layout);   // what the script lays out
            Assert.Contains(stored, noScript); // and the page without JavaScript
        }
        // The library's own wordings appear nowhere: neither the page's script nor its writer words a conclusion.
        foreach (var library in new[] { "mainly positive", "mainly negative", "criteria do not apply", "connected by a straight line", "not shown to be connected",
                     "comes from the residual", "10 % of the larger end loss" })
            Assert.DoesNotContain(library, html);
        // Every view laid out its section.
        foreach (var title in new[] { "Top eigenvalues", "Where the curvature comes from: H = G + R", "Per-layer spectra", "Block heterogeneity", "Diagonal of the Hessian (Hutchinson, 10 probes)",
                     "Loss landscapes", "Mode connectivity", "Generalization measures", "Options, seed, versions, timings" })
            Assert.Contains($"<h2>{System.Net.WebUtility.HtmlEncode(title)}</h2>", html);
    }

    [Fact]
    public void Each_view_lays_out_its_payload_and_nothing_without_it()
    {
        var views = ResultsViews.All;
        Assert.Equal(views.Select(v => v.Order).Order(), views.Select(v => v.Order));
        Assert.Equal(views.Count, views.Select(v => v.GetType()).Distinct().Count());
        var every = FullResults.Every();
        foreach (var view in views) Assert.NotEmpty(view.Sections(every));
        // A record with no payload: only the run's provenance, which closes every page.
        var bare = new RunResults { Command = "hessian" };
        Assert.Equal([typeof(RunView)], views.Where(v => v.Sections(bare).Any()).Select(v => v.GetType()));
        Assert.IsType<RunView>(views[^1]);
        Assert.All(views, v => Assert.Empty(v.Draw(Paths.NewTempFolder(), bare, ColorScale.Log)));
    }

    /// <summary>A payload's view of its own, outside the renderer: a table, a sentence and a figure reach the page with no other file changed.</summary>
    private sealed class ExtraView : IResultsView
    {
        public int Order => 500;
        public IEnumerable<string> Files(RunResults results) => ["extra.png"];
        public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale) => [];
        public IEnumerable<PageSection> Sections(RunResults results) =>
            [new PageSection("An extra payload", [new TextBlock("STORED extra sentence"), new TableBlock(["k", "v"], [["a", "1"]]), new ImageBlock("extra.png", "the extra figure")])];
    }

    [Fact]
    public void A_views_table_sentence_and_figure_reach_the_page_without_javascript_too()
    {
        string dir = Paths.NewTempFolder();
        File.Copy(Path.Combine(Paths.Root, "docs", "images", "connect-paths.png"), Path.Combine(dir, "extra.png"));
        HtmlReport.Write(Path.Combine(dir, HtmlReport.FileName), new RunResults { Command = "hessian" }, [new ExtraView()]);
        string html = File.ReadAllText(Path.Combine(dir, HtmlReport.FileName));
        string noScript = html[html.IndexOf("<noscript>", StringComparison.Ordinal)..html.IndexOf("</noscript>", StringComparison.Ordinal)];
        string data = "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(dir, "extra.png")))[..40];
        foreach (var part in new[] { "<h2>An extra payload</h2>", "<p>STORED extra sentence</p>", "<td>a</td><td>1</td>", data }) Assert.Contains(part, noScript);
        Assert.Contains("\"type\":\"image\"", html); // the script's copy of the sections
        Assert.Equal(2, html.Split(data).Length - 1);
    }

    [Theory]
    [InlineData("runs-v1", "analyze", 10)]
    [InlineData("runs-v1", "hessian", 1)]
    [InlineData("runs-v1", "landscape", 7)]
    [InlineData("runs-v1", "landscape-hessian", 3)]
    [InlineData("runs-v1", "study", 4)]
    [InlineData("runs-v2", "study", 22)]
    public void Every_fixture_folder_still_renders_and_keeps_its_files_as_written(string set, string kind, int outputs)
    {
        string from = Path.Combine(Paths.Fixture(set), kind), dir = Path.Combine(Paths.NewTempFolder(), kind);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        var hashes = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), Hash);
        var drawn = RunRenderer.Render(dir);
        Assert.Equal(outputs, drawn.Count);
        foreach (var (name, hash) in hashes) Assert.True(hash.SequenceEqual(Hash(Path.Combine(dir, name))), $"{name} was rewritten");
        Assert.True(File.Exists(Path.Combine(dir, HtmlReport.FileName)));
        if (kind != "study")
        {
            Assert.Equal(drawn, FigureManifest.Read(dir));
            // Schema 1 and 2 files get the conclusions on reading, so the page has the library's words to show.
            var upgraded = ResultsSerializer.ReadRun(dir);
            if (upgraded.Hessian?.Criteria is { } c) Assert.Contains(c.Meaning!, File.ReadAllText(Path.Combine(dir, HtmlReport.FileName)));
        }
    }
}
