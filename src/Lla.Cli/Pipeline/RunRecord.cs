using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Runs;
using Lla.Vectors;

namespace Lla.Cli.Pipeline;

/// <summary>The parts of results.json that every analysing command writes the same way.</summary>
internal static class RunRecord
{
    public static JsonObject Versions() =>
        new(Lla.Runs.Versions.All().Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value)));

    public static JsonObject Model(ModelSource source, ParameterSet parameters) => new()
    {
        ["name"] = source.Model,
        ["weights"] = source.Weights is null ? "none (seeded random initialization)" : Path.GetFullPath(source.Weights),
        ["parameters"] = parameters.Dimension,
        ["analysed_parameters"] = new JsonArray(parameters.Layout.Names.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
        ["dtype"] = source.DType.ToString().ToLowerInvariant(),
    };

    public static JsonObject Data(AnalysisSession session, DataSelection selection) => new()
    {
        ["spec"] = session.Source.Data,
        ["split"] = selection.Split.ToString().ToLowerInvariant(),
        ["samples"] = session.Objective.SampleCount,
        ["batches"] = session.Batches.Count,
        ["batch_size"] = selection.BatchSize,
        ["shuffle"] = selection.Shuffle,
    };
}
