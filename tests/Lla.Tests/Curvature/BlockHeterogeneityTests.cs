using Lla.Curvature;
using Lla.Models;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

/// <summary>
/// Block heterogeneity (METHOD.md, "Block heterogeneity"): the JS distance against hand-computed values, and the
/// normalized densities of blocks with known spectra (diagonal blocks: a normalized Rademacher start gives every
/// eigenvalue the weight 1/n exactly, and Lanczos with as many steps as the block's size is exact).
/// </summary>
public class BlockHeterogeneityTests
{
    public BlockHeterogeneityTests() => TestTorch.Init();

    [Fact]
    public void Js_distance_is_0_for_equal_densities_1_for_disjoint_ones_and_matches_a_hand_computed_case()
    {
        Assert.Equal(0, BlockHeterogeneity.JsDistance([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 15);
        // Scaling does not matter: both are made probability vectors first.
        Assert.Equal(0, BlockHeterogeneity.JsDistance([2.0, 3, 5], [0.2, 0.3, 0.5]), 7);
        Assert.Equal(1, BlockHeterogeneity.JsDistance([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75]), 15);
        // P = (1, 0), Q = (½, ½), M = (¾, ¼): JS = ½ log2(4/3) + ¼ log2(2/3) + ¼ (base 2), distance √JS.
        double js = 0.5 * Math.Log2(4.0 / 3) + 0.25 * Math.Log2(2.0 / 3) + 0.25;
        Assert.Equal(0.31127812445913283, js, 15);
        Assert.Equal(Math.Sqrt(js), BlockHeterogeneity.JsDistance([1.0, 0], [0.5, 0.5]), 14);
        Assert.Equal(0.5579230452841438, BlockHeterogeneity.JsDistance([0.5, 0.5], [1.0, 0]), 14); // symmetric
    }

    private static (ParameterGroup, long, SpectralDensityResult) Block(string name, double[] eigenvalues, BlockSpectraOptions options)
    {
        using var op = new DenseOperator(torch.diag(torch.tensor(eigenvalues, dtype: ScalarType.Float64)));
        var slq = SpectralDensity.Estimate(op, new SlqOptions { Runs = options.Runs, Steps = options.Steps, Seed = options.Seed });
        return (new ParameterGroup(name, [name + ".weight"]), eigenvalues.Length, slq);
    }

    [Fact]
    public void Blocks_of_the_same_shape_at_different_scales_are_at_distance_0_and_mirrored_ones_near_1()
    {
        var options = new BlockSpectraOptions { Runs = 2, Steps = 5, Seed = 9 };
        double[] spectrum = [1, 2, 3, 4, 5];
        var blocks = new[]
        {
            Block("a", spectrum, options),
            Block("b", spectrum.Select(l => 1e3 * l).ToArray(), options),   // the same shape, 1000 times larger
            Block("c", spectrum.Select(l => -l).ToArray(), options),        // mirrored: nodes −1 … −0.2, 20 σ from a's
            Block("d", [-5, -2, 0, 3, 5], options),
        };
        var result = BlockHeterogeneity.Compare(blocks, options);

        // Lanczos's Ritz values equal the eigenvalues to rounding.
        foreach (var (scale, block) in new[] { 5.0, 5000, 5, 5 }.Zip(result.Blocks)) Assert.Equal(scale, block.Scale, 1e-12 * scale);
        Assert.Equal(1001, result.Grid.Count);
        Assert.Equal(-1, result.Grid[0]);
        Assert.Equal(0, result.Grid[500], 15);
        Assert.Equal(1, result.Grid[^1]);
        // a's density is the mean of Gaussians of σ = 0.01 at 0.2, 0.4, …, 1 (weights 1/5 exactly), renormalized on the grid.
        double dx = 0.002, s = 0.01;
        var expected = result.Grid.Select(x => spectrum.Sum(l => Math.Exp(-Math.Pow(x - l / 5, 2) / (2 * s * s))) / 5 / Math.Sqrt(2 * Math.PI * s * s)).ToArray();
        double area = expected.Sum() * dx;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(result.Blocks[0].Density[i] - expected[i] / area) <= 1e-9, $"x = {result.Grid[i]}: {result.Blocks[0].Density[i]} vs {expected[i] / area}");
        Assert.Equal(1, result.Blocks[1].Density.Sum() * dx, 12);

        var d = result.Distances;
        for (int i = 0; i < 4; i++) Assert.Equal(0, d[i][i]);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) Assert.Equal(d[i][j], d[j][i]);
        Assert.True(d[0][1] <= 1e-7, $"the same shape at another scale: {d[0][1]}");
        Assert.True(d[0][2] >= 1 - 1e-9, $"mirrored spectra: {d[0][2]}");
        Assert.True(d[0][3] > 0.5 && d[0][3] < 1, $"{d[0][3]}"); // shares the nodes at 0.6 and 1 with a (3 and 5 over scale 5)
        double mean = (d[0][1] + d[0][2] + d[0][3] + d[1][2] + d[1][3] + d[2][3]) / 6;
        Assert.Equal(mean, result.MeanDistance, 14);
        var largest = result.LargestPair;
        Assert.Equal(d.SelectMany(r => r).Max(), largest.Distance);
        Assert.Equal(largest.Distance, d[largest.First][largest.Second]);
        Assert.Equal(blocks.Sum(b => b.Item3.OperatorApplications), result.OperatorApplications);
    }

    [Fact]
    public void A_zero_block_is_a_spike_at_0_and_fewer_than_two_blocks_are_refused()
    {
        var options = new BlockSpectraOptions { Runs = 1, Steps = 3 };
        var result = BlockHeterogeneity.Compare([Block("zero", [0, 0, 0], options), Block("one", [1, 1, 1], options)], options);
        Assert.Equal(0, result.Blocks[0].Scale);
        Assert.Equal(500, Array.IndexOf(result.Blocks[0].Density.ToArray(), result.Blocks[0].Density.Max()));
        Assert.Equal(1, result.Distances[0][1], 9);
        Assert.Throws<ArgumentException>(() => BlockHeterogeneity.Compare([Block("one", [1, 2], options)], options));
        var single = ParameterSet.Of(torch.nn.Linear(3, 2), name => name.EndsWith("weight"));
        var e = Assert.Throws<LlaException>(() => BlockHeterogeneity.Blocks(single));
        Assert.Contains("{block-spectra}", e.Template);
    }

    [Fact]
    public void Run_on_a_tiny_gpt_measures_every_block_with_the_same_settings()
    {
        var (model, objective) = Models.Gpt.GptHessianTests.Problem("gpt:layers=1,heads=2,width=4,context=4,vocab=11,gelu=tanh");
        var parameters = ParameterSet.Of(model);
        var options = new BlockSpectraOptions { Runs = 1, Steps = 6, Seed = 5 };
        var result = BlockHeterogeneity.Run(CurvatureOperator.Hessian, objective, model, parameters, options);
        Assert.Equal(LayerGroups.Of(parameters).Select(g => g.Name), result.Blocks.Select(b => b.Group.Name));
        Assert.Equal(parameters.Dimension, result.Blocks.Sum(b => b.Dimension));
        Assert.All(result.Blocks, b =>
        {
            Assert.Equal(5, b.Slq.Seed);
            Assert.Equal(Math.Min(6, b.Dimension), b.Slq.Runs[0].Steps);
            Assert.True(b.Scale > 0);
            Assert.Equal(1, b.Density.Sum() * 0.002, 9);
        });
        Assert.All(result.Distances.SelectMany(r => r), d => Assert.InRange(d, 0, 1));
        Assert.InRange(result.MeanDistance, 0, 1);
        Assert.InRange(result.OperatorApplications, result.Blocks.Count, BlockHeterogeneity.PlannedProducts(options, parameters));
    }
}
