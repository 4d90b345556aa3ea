using System.Text.Json.Nodes;
using Lla.Landscapes;
using Lla.Reports;
using Lla.Runs;
using static Lla.Runs.JsonValues;

namespace Lla.Cli.Pipeline;

/// <summary>How a finished landscape is written: its entry in results.json `landscapes[]` and its figures.</summary>
internal static class LandscapeOutput
{
    public sealed record Settings(bool IgnoreBiasAndBatchNorm, IReadOnlyList<string> Frozen, double? LossCap);

    public static JsonObject Describe(PlaneSpec spec, Grid grid, Surface s, IReadOnlyDictionary<string, double> facts, Settings settings,
        string? directionsFile, double seconds)
    {
        JsonArray Matrix(double[][] m) => new(m.Select(row => (JsonNode)Numbers(row)).ToArray());
        return new JsonObject
        {
            ["axes"] = spec.Axes,
            ["norm"] = Normalization.Name(spec.Norm),
            ["order"] = spec.Order,
            ["mode"] = spec.Mode == UpdateRule.AdamEq ? "adameq" : "add",
            ["label"] = spec.Label,
            ["seed"] = spec.Seed,
            ["steps"] = grid.Steps,
            ["distance"] = grid.Distance,
            ["ignore_biasbn"] = settings.IgnoreBiasAndBatchNorm,
            ["frozen"] = new JsonArray(settings.Frozen.Select(n => (JsonNode)JsonValue.Create(n)).ToArray()),
            ["loss_cap"] = Number(settings.LossCap),
            ["axes_facts"] = JsonValues.Object(facts),
            ["alphas"] = Numbers(s.Alphas),
            ["betas"] = Numbers(s.Betas),
            ["loss"] = Matrix(s.Loss),
            ["accuracy"] = Matrix(s.Accuracy),
            ["directions_file"] = directionsFile,
            ["points_computed"] = s.Computed,
            ["points_resumed"] = s.Resumed,
            ["seconds"] = seconds,
        };
    }

    /// <summary>Draws the plane's figures (see <see cref="RunRenderer.DrawLandscape"/>) and lists them in <paramref name="figures"/>.</summary>
    public static void Plot(RunFolder folder, int k, PlaneSpec spec, Surface surface, JsonArray figures, double[][]? path = null)
    {
        foreach (var file in RunRenderer.DrawLandscape(folder.Path, k, spec.Label, spec.Mode == UpdateRule.AdamEq, surface, path))
            figures.Add(file);
    }
}
