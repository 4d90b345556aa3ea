using Lla.Runs;
using static Lla.Reports.Text;

namespace Lla.Reports;

/// <summary>The "block_spectra" payload: the mean JS distance and the largest pair, a table of the blocks, and the heat map of the distances (block-spectra.png).</summary>
public sealed class BlockSpectraView : IResultsView
{
    public const string BlockSpectraFigure = "block-spectra.png";

    public int Order => 35;

    public IEnumerable<string> Files(RunResults results) => [BlockSpectraFigure];

    public IReadOnlyList<string> Draw(string folder, RunResults results, ColorScale scale)
    {
        if (results.BlockSpectra is not { Blocks.Count: > 1 } spectra) return [];
        BlockSpectraPlot.Save(Path.Combine(folder, BlockSpectraFigure), spectra);
        return [BlockSpectraFigure];
    }

    public IEnumerable<PageCard> Cards(RunResults results) =>
        results.BlockSpectra is { } b ? [new PageCard("mean JS distance between blocks", N(b.MeanJsDistance, 3))] : [];

    public IEnumerable<PageSection> Sections(RunResults results)
    {
        if (results.BlockSpectra is not { Blocks.Count: > 1 } b) yield break;
        int n = b.Blocks.Count;
        yield return new PageSection("Block heterogeneity",
        [
            new TextBlock($"Mean JS distance over the {Count(n * (n - 1) / 2)} pairs of {Count(n)} blocks: {N(b.MeanJsDistance, 4)}; largest: " +
                $"{b.LargestPair.First} and {b.LargestPair.Second} ({N(b.LargestPair.JsDistance, 4)}). Each block's SLQ density of the " +
                $"{(b.Operator == "hessian" ? "Hessian" : b.Operator)} block ({b.Runs} run(s) of {b.LanczosSteps} Lanczos steps, seed {b.Seed}, the same for every block), " +
                $"divided by the block's largest |Ritz value|, smoothed by a Gaussian of σ = {N(b.Sigma)} on {b.GridPoints} points over [{N(b.GridMin)}, {N(b.GridMax)}]; " +
                "JS distance = √(Jensen–Shannon divergence, base 2): 0 for the same shape, 1 for disjoint ones."),
            new TableBlock(["block", "parameters", "largest |Ritz value|"],
                b.Blocks.Select(s => (IReadOnlyList<string>)[s.Name, Count(s.Dimension), N(s.Scale, 5)]).ToArray()),
            new ImageBlock(BlockSpectraFigure, "JS distances between the blocks' normalized spectral densities (block i: row i from the top, column i from the left)."),
        ]);
    }
}
