using System.Text.Json.Nodes;
using Lla.Curvature;

namespace Lla.Reports;

/// <summary>Reading a finished run's results.json back: the file itself, number arrays and the SLQ runs.</summary>
internal static class ResultsFile
{
    public static JsonObject Load(string folder)
    {
        string path = Path.Combine(folder, "results.json");
        if (!File.Exists(path)) throw new LlaException($"{folder} holds no results.json: give the folder of a finished run");
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not an object"); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new LlaException($"{path} is not a results file ({e.Message})");
        }
    }

    /// <summary>A JSON number array (null entries, written for non-finite values, become NaN).</summary>
    public static double[] Doubles(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray() : Array.Empty<double>();

    /// <summary>A 2-D JSON number array as rows.</summary>
    public static double[][] Rows(JsonNode? node) =>
        node is JsonArray a ? a.Select(Doubles).ToArray() : Array.Empty<double[]>();

    /// <summary>hessian.esd.runs as SLQ runs (empty when the run has no spectrum).</summary>
    public static List<SlqRun> SlqRuns(JsonObject results) =>
        results["hessian"]?["esd"]?["runs"] is JsonArray runs
            ? runs.Select(r => new SlqRun(Doubles(r!["nodes"]), Doubles(r!["weights"]), r!["steps"]!.GetValue<int>())).ToList()
            : new List<SlqRun>();
}
