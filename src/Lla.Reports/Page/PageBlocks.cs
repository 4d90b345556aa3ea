using System.Text.Json.Serialization;

namespace Lla.Reports;

/// <summary>
/// One section of report.html: a title (none for an untitled box) and its blocks. Views lay sections out from
/// stored results only; the page's script and its no-script fallback draw every section the same generic way.
/// </summary>
public sealed record PageSection(string? Title, IReadOnlyList<PageBlock> Blocks);

/// <summary>A piece of a section. Every text in a block is written by a view from stored values; the page adds none.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeadingBlock), "heading")]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(VerdictBlock), "verdict")]
[JsonDerivedType(typeof(TableBlock), "table")]
[JsonDerivedType(typeof(PlotBlock), "plot")]
[JsonDerivedType(typeof(ImageBlock), "image")]
[JsonDerivedType(typeof(DetailsBlock), "details")]
public abstract record PageBlock;

/// <summary>A sub-heading inside a section.</summary>
public sealed record HeadingBlock(string Text) : PageBlock;

/// <summary>A paragraph; muted ones are notes.</summary>
public sealed record TextBlock(string Text, bool Muted = false) : PageBlock;

/// <summary>A boxed conclusion: a bold line, paragraphs, muted notes; <see cref="Tone"/> colours the box (MP, MN, undefined, or none).</summary>
public sealed record VerdictBlock(string? Heading, IReadOnlyList<string> Paragraphs, IReadOnlyList<string> Notes, string? Tone = null) : PageBlock;

/// <summary>A table of text cells: a header row and the rows.</summary>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : PageBlock;

/// <summary>
/// An interactive plot the page's script draws from the results embedded in it: <see cref="Kind"/> names one of its
/// drawings (density, split-densities, layer-densities, landscape, paths) and <see cref="Source"/> the record it draws,
/// as a dotted path into results.json (e.g. "hessian", "landscapes.0"). Without JavaScript the PNG figures show the same.
/// </summary>
public sealed record PlotBlock(string Kind, string Source, string? Caption = null) : PageBlock;

/// <summary>A PNG figure of the run folder shown on the page (inlined as a data URI when the page is written).</summary>
public sealed record ImageBlock(string File, string? Caption = null) : PageBlock
{
    /// <summary>The figure as a data URI, filled in by <see cref="HtmlReport"/>; null when the file is missing.</summary>
    public string? Data { get; init; }
}

/// <summary>A collapsed block of preformatted text (e.g. every option as JSON).</summary>
public sealed record DetailsBlock(string Summary, string Text) : PageBlock;

/// <summary>The page's head: title, one line about model and data, and cards of headline numbers.</summary>
public sealed record PageHeader(string Title, string Subtitle, IReadOnlyList<PageCard> Cards);

/// <summary>A headline number: its label and its value as text.</summary>
public sealed record PageCard(string Label, string Value);
