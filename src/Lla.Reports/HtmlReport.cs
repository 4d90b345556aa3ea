using System.Text.Json;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// Writes report.html: one self-contained page (styles, script, the run's results and the views' sections inlined; no
/// request of any kind leaves the page). The page lays out what the views made of the stored results: it computes
/// nothing about the model and adds no sentence of its own; its script draws the interactive plots from the results.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private static readonly JsonSerializerOptions PageJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Write(string path, RunResults results) => Write(path, results, ResultsViews.All);

    /// <summary>The page of <paramref name="results"/> as <paramref name="views"/> lay it out (figures they show are read from <paramref name="path"/>'s folder).</summary>
    public static void Write(string path, RunResults results, IReadOnlyList<IResultsView> views)
    {
        var page = Inline(ReportPage.Of(results, views), Path.GetDirectoryName(Path.GetFullPath(path))!);
        // "</" inside the JSON would end the script element early.
        string json = ResultsSerializer.ToNode(results).ToJsonString().Replace("</", "<\\/");
        string layout = JsonSerializer.Serialize(page, PageJson).Replace("</", "<\\/");
        string html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <title>{System.Net.WebUtility.HtmlEncode(page.Header.Title)}</title>
            <style>{Resource("report.css")}</style>
            </head>
            <body>
            <noscript>{StaticPage.Html(page)}</noscript>
            <div id="report"></div>
            <script type="application/json" id="lla-results">{json}</script>
            <script type="application/json" id="lla-page">{layout}</script>
            <script>{Resource("report.js")}</script>
            </body>
            </html>
            """;
        RunFolder.WriteAtomically(path, tmp => File.WriteAllText(tmp, html));
    }

    /// <summary>The page with each figure it shows read from the run folder as a data URI (the page loads nothing).</summary>
    private static ReportPage Inline(ReportPage page, string folder) => page with
    {
        Sections = page.Sections.Select(s => s with
        {
            Blocks = s.Blocks.Select(b => b is ImageBlock image && File.Exists(Path.Combine(folder, image.File))
                ? image with { Data = "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, image.File))) }
                : b).ToArray(),
        }).ToArray(),
    };

    private static string Resource(string name)
    {
        var assembly = typeof(HtmlReport).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Lla.Reports.Html.{name}")
            ?? throw new InvalidOperationException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
