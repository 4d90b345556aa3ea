using System.Net;
using System.Text;

namespace Lla.Reports;

/// <summary>
/// The page as plain HTML, for a browser without JavaScript: the same head and sections the script draws, without the
/// interactive plots (the PNG figures in the run folder show them).
/// </summary>
internal static class StaticPage
{
    public static string Html(ReportPage page)
    {
        var h = new StringBuilder();
        h.Append("<p><b>JavaScript is off:</b> the tables below are all the page shows; its plots (spectral density, landscapes) need JavaScript, and the PNG figures in the run folder show them too.</p>");
        h.Append($"<h1>{E(page.Header.Title)}</h1><p class=\"sub\">{E(page.Header.Subtitle)}</p><table>");
        foreach (var card in page.Header.Cards) h.Append($"<tr><th>{E(card.Label)}</th><td>{E(card.Value)}</td></tr>");
        h.Append("</table>");
        foreach (var section in page.Sections)
        {
            if (section.Title is { } title) h.Append($"<h2>{E(title)}</h2>");
            foreach (var block in section.Blocks) Append(h, block);
        }
        return h.ToString();
    }

    private static void Append(StringBuilder h, PageBlock block)
    {
        switch (block)
        {
            case HeadingBlock b: h.Append($"<h3>{E(b.Text)}</h3>"); break;
            case TextBlock b: h.Append(b.Muted ? $"<p class=\"muted\">{E(b.Text)}</p>" : $"<p>{E(b.Text)}</p>"); break;
            case VerdictBlock b:
                h.Append($"<div class=\"verdict {E(b.Tone ?? "")}\">");
                if (b.Heading is { } heading) h.Append($"<strong>{E(heading)}</strong>");
                foreach (var p in b.Paragraphs) h.Append($"<p>{E(p)}</p>");
                foreach (var n in b.Notes) h.Append($"<p class=\"muted\">{E(n)}</p>");
                h.Append("</div>");
                break;
            case TableBlock b:
                h.Append("<table>");
                if (b.Header.Count > 0) h.Append("<tr>").Append(string.Concat(b.Header.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>");
                foreach (var row in b.Rows) h.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{E(c)}</td>"))).Append("</tr>");
                h.Append("</table>");
                break;
            case PlotBlock b: if (b.Caption is { } caption) h.Append($"<p class=\"muted\">{E(caption)}</p>"); break;
            case ImageBlock b:
                if (b.Data is { } data) h.Append($"<figure><img src=\"{E(data)}\" alt=\"{E(b.File)}\"><figcaption>{E(b.Caption ?? b.File)}</figcaption></figure>");
                break;
            case DetailsBlock b: h.Append($"<details><summary>{E(b.Summary)}</summary><pre>{E(b.Text)}</pre></details>"); break;
            default: throw new ArgumentOutOfRangeException(nameof(block), block.GetType().Name, "a page block the static page cannot lay out");
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
