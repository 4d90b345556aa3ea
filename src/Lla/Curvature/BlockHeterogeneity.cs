using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>The settings of a block-heterogeneity measurement: the SLQ of every block, and the common grid of the normalized densities.</summary>
public sealed record BlockSpectraOptions
{
    /// <summary>SLQ runs per block (the same for every block).</summary>
    public int Runs { get; init; } = 1;
    /// <summary>Lanczos steps per run (the same for every block; a block smaller than this is exhausted sooner, exactly).</summary>
    public int Steps { get; init; } = 100;
    /// <summary>The SLQ seed, the same for every block.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>The Gaussian's standard deviation on the normalized axis.</summary>
    public double Sigma { get; init; } = 0.01;
    /// <summary>Points of the common grid over [−1, 1] (odd, so that 0 is on it).</summary>
    public int GridPoints { get; init; } = 1001;

    public void Validate()
    {
        if (Runs < 1) throw new LlaException($"{{runs}} must be at least 1 (got {Runs})");
        if (Steps < 1) throw new LlaException($"{{lanczos-steps}} must be at least 1 (got {Steps})");
        if (!(Sigma > 0) || !double.IsFinite(Sigma)) throw new ArgumentException($"the smoothing σ must be positive (got {Sigma})");
        if (GridPoints < 3) throw new ArgumentException($"the grid needs at least 3 points (got {GridPoints})");
    }
}

/// <summary>
/// One block's spectrum: its SLQ (nodes and weights of H_bb), its scale (the largest |Ritz value| over all runs; 0 when
/// the block's operator is zero) and its density on the common grid after dividing the nodes by the scale (Σ density·Δx = 1).
/// </summary>
public sealed record BlockSpectrum(ParameterGroup Group, long Dimension, SpectralDensityResult Slq, double Scale, IReadOnlyList<double> Density);

/// <summary>Two blocks (indices into the blocks) and their JS distance.</summary>
public sealed record BlockPair(int First, int Second, double Distance);

/// <summary>
/// Block heterogeneity: each block's normalized density, the symmetric matrix of pairwise JS distances (0 on the
/// diagonal), their mean over the n(n − 1)/2 pairs (JS⁰ when the weights are an initialization) and the largest pair.
/// </summary>
public sealed record BlockHeterogeneityResult(
    IReadOnlyList<BlockSpectrum> Blocks, IReadOnlyList<double> Grid, IReadOnlyList<IReadOnlyList<double>> Distances,
    double MeanDistance, BlockPair LargestPair, BlockSpectraOptions Options, long OperatorApplications);

/// <summary>
/// Block heterogeneity of the Hessian (Zhang et al. 2024, "Why Transformers Need Adam: A Hessian Perspective"; METHOD.md,
/// "Block heterogeneity"). Blocks are <see cref="LayerGroups"/>' (the block rule). For each block b: the SLQ density of
/// H_bb with the same runs, steps and seed for every block; its Ritz values divided by the block's largest |Ritz value|
/// (so blocks of different scale are compared by the shape of their spectra); smoothed by a Gaussian of σ on a grid
/// over [−1, 1]: density(x) = mean_r Σ_k w_{r,k} N(x; λ_{r,k}/scale, σ²), renormalized on the grid (a node near ±1 loses
/// the part of its Gaussian outside the grid). The JS distance of two blocks is √JS(P‖Q) with base-2 logarithms, P and Q
/// the grid densities as probability vectors: 0 for equal densities, 1 for densities with disjoint support.
/// </summary>
public static class BlockHeterogeneity
{
    /// <summary>Every block's SLQ on the chosen operator, then <see cref="Compare"/>.</summary>
    /// <param name="parameters">The run's parameters (after its `--params` globs); their blocks are compared.</param>
    public static BlockHeterogeneityResult Run(CurvatureOperator kind, Objective objective, nn.Module model, ParameterSet parameters,
        BlockSpectraOptions options, IProcessGroup? group = null, Action<AnalysisProgress>? progress = null)
    {
        options.Validate();
        var blocks = Blocks(parameters);
        var measured = new List<(ParameterGroup, long, SpectralDensityResult)>();
        foreach (var block in blocks)
        {
            var set = block.Of(model);
            var op = CurvatureOperators.Create(kind, objective, set, group);
            string stage = $"{block.Name}: spectral density";
            var density = SpectralDensity.Estimate(op, new SlqOptions { Runs = options.Runs, Steps = options.Steps, Seed = options.Seed },
                progress is null ? null : (done, total) => progress(new AnalysisProgress(stage, done, total)));
            measured.Add((block, set.Dimension, density));
        }
        return Compare(measured, options);
    }

    /// <summary>The blocks a run compares; refused when there are fewer than two (nothing to compare).</summary>
    public static IReadOnlyList<ParameterGroup> Blocks(ParameterSet parameters)
    {
        var blocks = LayerGroups.Of(parameters);
        if (blocks.Count < 2)
            throw new LlaException($"{{block-spectra}} compares blocks, and the analysed parameters form only one ({blocks[0].Name}); widen {{params}}");
        return blocks;
    }

    /// <summary>Checks before any work that each block's SLQ basis fits in memory.</summary>
    public static void CheckFits(BlockSpectraOptions options, ParameterSet parameters)
    {
        options.Validate();
        foreach (var block in Blocks(parameters))
        {
            long n = parameters.Layout.Names.Select((name, i) => (name, i)).Where(t => block.Includes(t.name)).Sum(t => parameters.Layout.Sizes[t.i]);
            Native.MemoryBudget.Require(Math.Min(options.Steps, n) * (double)n * (parameters.DType == ScalarType.Float64 ? 8 : 4),
                $"the SLQ basis of {{lanczos-steps}} {options.Steps} vectors of block {block.Name}'s {n:N0} parameters");
        }
    }

    /// <summary>The most operator products: runs × min(steps, block size) per block.</summary>
    public static double PlannedProducts(BlockSpectraOptions options, ParameterSet parameters) =>
        Blocks(parameters).Sum(b => (double)options.Runs * Math.Min(options.Steps,
            parameters.Layout.Names.Select((name, i) => (name, i)).Where(t => b.Includes(t.name)).Sum(t => parameters.Layout.Sizes[t.i])));

    /// <summary>The comparison of blocks whose SLQ is known (pure: no operator, no tensor).</summary>
    public static BlockHeterogeneityResult Compare(IReadOnlyList<(ParameterGroup Group, long Dimension, SpectralDensityResult Slq)> blocks, BlockSpectraOptions options)
    {
        options.Validate();
        if (blocks.Count < 2) throw new ArgumentException("block heterogeneity needs at least two blocks");
        var grid = Grid(options.GridPoints);
        var spectra = blocks.Select(b =>
        {
            double scale = Scale(b.Slq);
            return new BlockSpectrum(b.Group, b.Dimension, b.Slq, scale, NormalizedDensity(b.Slq, scale, grid, options.Sigma));
        }).ToArray();
        int n = spectra.Length;
        var distances = new double[n][];
        for (int i = 0; i < n; i++) distances[i] = new double[n];
        double sum = 0;
        var largest = new BlockPair(0, 1, double.NegativeInfinity);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double d = JsDistance(spectra[i].Density, spectra[j].Density);
                distances[i][j] = distances[j][i] = d;
                sum += d;
                if (d > largest.Distance) largest = new BlockPair(i, j, d);
            }
        return new BlockHeterogeneityResult(spectra, grid, distances, sum / (n * (n - 1) / 2.0), largest, options,
            blocks.Sum(b => b.Slq.OperatorApplications));
    }

    /// <summary>The common grid: <paramref name="points"/> evenly spaced values from −1 to 1.</summary>
    public static double[] Grid(int points)
    {
        var x = new double[points];
        for (int i = 0; i < points; i++) x[i] = -1 + 2.0 * i / (points - 1);
        return x;
    }

    /// <summary>The largest |Ritz value| over all runs (0 for a zero operator).</summary>
    public static double Scale(SpectralDensityResult slq) => slq.Runs.SelectMany(r => r.Nodes).Select(Math.Abs).DefaultIfEmpty(0).Max();

    /// <summary>
    /// mean_r Σ_k w_{r,k} N(x; λ_{r,k}/scale, σ²) on <paramref name="grid"/> (even spacing), renormalized so that Σ density·Δx = 1.
    /// A zero scale leaves the nodes at 0.
    /// </summary>
    public static double[] NormalizedDensity(SpectralDensityResult slq, double scale, IReadOnlyList<double> grid, double sigma)
    {
        var y = new double[grid.Count];
        double dx = grid[1] - grid[0], s2 = sigma * sigma, norm = 1 / Math.Sqrt(2 * Math.PI * s2);
        foreach (var run in slq.Runs)
            for (int k = 0; k < run.Nodes.Length; k++)
            {
                double w = run.Weights[k] / slq.Runs.Count;
                if (w == 0) continue;
                double l = scale > 0 ? run.Nodes[k] / scale : 0;
                // Only points within 8 σ contribute measurably.
                int from = Math.Max(0, (int)Math.Floor((l - 8 * sigma - grid[0]) / dx));
                int to = Math.Min(grid.Count - 1, (int)Math.Ceiling((l + 8 * sigma - grid[0]) / dx));
                for (int i = from; i <= to; i++)
                {
                    double d = grid[i] - l;
                    y[i] += w * norm * Math.Exp(-d * d / (2 * s2));
                }
            }
        double area = y.Sum() * dx;
        if (area > 0) for (int i = 0; i < y.Length; i++) y[i] /= area;
        return y;
    }

    /// <summary>
    /// √JS(P‖Q) in base 2, P and Q the two non-negative vectors scaled to sum 1: JS = ½ KL(P‖M) + ½ KL(Q‖M), M = (P + Q)/2,
    /// with 0·log 0 = 0. In [0, 1]: 0 when P = Q, 1 when their supports are disjoint.
    /// </summary>
    public static double JsDistance(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        if (p.Count != q.Count) throw new ArgumentException($"the two densities differ in length ({p.Count} and {q.Count})");
        double sp = p.Sum(), sq = q.Sum();
        if (!(sp > 0) || !(sq > 0)) throw new ArgumentException("a density with no mass has no JS distance");
        double js = 0;
        for (int i = 0; i < p.Count; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
            if (a > 0) js += 0.5 * a * Math.Log2(a / m);
            if (b > 0) js += 0.5 * b * Math.Log2(b / m);
        }
        return Math.Sqrt(Math.Clamp(js, 0, 1));
    }
}
