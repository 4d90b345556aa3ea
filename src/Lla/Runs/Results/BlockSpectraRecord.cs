using System.Text.Json.Serialization;
using Lla.Curvature;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>`--block-spectra`: block heterogeneity, the JS distances between the blocks' normalized spectral densities.</summary>
    [JsonPropertyOrder(35), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public BlockSpectraRecord? BlockSpectra { get; init; }
}

/// <summary>
/// The "block_spectra" payload (`--block-spectra`, METHOD.md "Block heterogeneity"): per block (the block rule of
/// <see cref="LayerGroups"/>) its SLQ of H_bb, its scale (largest |Ritz value|) and its density on the common grid
/// after dividing by the scale; the symmetric matrix of JS distances (√JS divergence, base 2) in the blocks' order,
/// their mean over pairs (JS⁰ at an initialization) and the largest pair; and the settings that made them.
/// </summary>
public sealed record BlockSpectraRecord(
    string Operator, IReadOnlyList<BlockSpectrumRecord> Blocks, IReadOnlyList<IReadOnlyList<double>> JsDistance,
    double MeanJsDistance, BlockPairRecord LargestPair,
    int Runs, int LanczosSteps, long Seed, double Sigma, double GridMin, double GridMax, int GridPoints, long Hvps)
{
    public static BlockSpectraRecord From(BlockHeterogeneityResult r, string operatorName) => new(
        operatorName,
        r.Blocks.Select(b => new BlockSpectrumRecord(b.Group.Name, b.Group.ParameterNames, b.Dimension, b.Scale,
            b.Slq.Runs.Select(run => new SlqRunRecord(run.Nodes, run.Weights, run.Steps)).ToArray(), b.Density)).ToArray(),
        r.Distances, r.MeanDistance,
        new BlockPairRecord(r.Blocks[r.LargestPair.First].Group.Name, r.Blocks[r.LargestPair.Second].Group.Name, r.LargestPair.Distance),
        r.Options.Runs, r.Options.Steps, r.Options.Seed, r.Options.Sigma, r.Grid[0], r.Grid[^1], r.Grid.Count, r.OperatorApplications);
}

/// <summary>One block: its name and parameters, its size, its scale, its SLQ runs (raw nodes and weights) and its normalized density on the grid.</summary>
public sealed record BlockSpectrumRecord(string Name, IReadOnlyList<string> Parameters, long Dimension, double Scale,
    IReadOnlyList<SlqRunRecord> SlqRuns, IReadOnlyList<double> Density);

/// <summary>The two blocks farthest apart and their JS distance.</summary>
public sealed record BlockPairRecord(string First, string Second, double JsDistance);
