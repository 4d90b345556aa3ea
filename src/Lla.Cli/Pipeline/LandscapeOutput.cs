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

    /// <summary>Draws landscape-K.png (heat map, contours, centre) and landscape-K-cuts.png, or for a 1-D landscape its line, and lists them in <paramref name="figures"/>.</summary>
    public static void Plot(RunFolder folder, int k, PlaneSpec spec, Surface surface, JsonArray figures, double[][]? path = null)
    {
        string png = $"landscape-{k}.png", cuts = $"landscape-{k}-cuts.png";
        if (surface.Betas.Length == 1)
        {
            LandscapePlot.SaveCuts(folder.File(png), surface, spec.Label + " (1-D)");
            figures.Add(png);
            return;
        }
        bool adam = spec.Mode == UpdateRule.AdamEq;
        LandscapePlot.SavePlane(folder.File(png), surface, spec.Label, adam ? "a" : "α (d1)", adam ? "b" : "β (d2)", path);
        LandscapePlot.SaveCuts(folder.File(cuts), surface, spec.Label + ": cuts through the centre");
        figures.Add(png);
        figures.Add(cuts);
    }
}
