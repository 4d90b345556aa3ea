using System.Reflection;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>
/// Writes report.html: one self-contained page (styles, script and the run's results inlined; no
/// request of any kind leaves the page) that draws the spectrum, criteria with their meaning,
/// eigenvalues, landscapes (rotatable 3-D surface, heat map, cuts) and the run's provenance from
/// results.json. It computes nothing about the model.
/// </summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    public static void Write(string path, RunResults results)
    {
        string title = $"Lla.NET {results.Command} report";
        // "</" inside the JSON would end the script element early.
        var node = ResultsSerializer.ToNode(results);
        // Words the page shows that are worded once, here (the page draws and computes nothing).
        if (results.CurvatureSplit is { } split) node["curvature_split"]!["sentence"] = CurvatureSplitPlot.Sentence(split);
        string json = node.ToJsonString().Replace("</", "<\\/");
        string html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <title>{System.Net.WebUtility.HtmlEncode(title)}</title>
            <style>{Resource("report.css")}</style>
            </head>
            <body>
            <noscript>{StaticTables.Html(results)}</noscript>
            <div id="report"></div>
            <script type="application/json" id="lla-results">{json}</script>
            <script>{Resource("report.js")}</script>
            </body>
            </html>
            """;
        RunFolder.WriteAtomically(path, tmp => File.WriteAllText(tmp, html));
    }

    private static string Resource(string name)
    {
        var assembly = typeof(HtmlReport).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Lla.Reports.Html.{name}")
            ?? throw new InvalidOperationException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
