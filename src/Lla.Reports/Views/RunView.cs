using System.Text.Json;
using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The run record's provenance at the end of the page: seed, versions, timings, the numeric guard, and every option.</summary>
public sealed class RunView : IResultsView
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Order => 1000;

    public IEnumerable<string> Files(RunResults results) => [];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale) => [];

    public IEnumerable<PageSection> Sections(RunResults r)
    {
        var rows = new List<IReadOnlyList<string>> { new[] { "seed", r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        rows.AddRange(r.Versions.Select(v => (IReadOnlyList<string>)[v.Key, v.Value]));
        rows.AddRange(r.Timings.Select(t => (IReadOnlyList<string>)[$"time: {t.Key}", $"{N(t.Value, 3)} s"]));
        if (r.NumericGuard is { } g) rows.Add(["numeric guard", g.Summary ?? g.Reason]);
        // As results.json holds them, whatever their record; an older version's settings it did not record are left out
        // (the typed record holds defaults there), and listed under "unrecorded".
        var asked = ResultsSerializer.ToNode(r)["options"] as System.Text.Json.Nodes.JsonObject;
        foreach (var key in r.Options?.Unrecorded ?? Array.Empty<string>()) asked?.Remove(key);
        string options = asked?.ToJsonString(Indented) ?? "null";
        yield return new PageSection("Options, seed, versions, timings", [new TableBlock([], rows), new DetailsBlock("all options", options)]);
    }
}
