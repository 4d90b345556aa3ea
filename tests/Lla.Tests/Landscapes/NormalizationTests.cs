using Lla.Landscapes;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Landscapes;

public class NormalizationTests
{
    public NormalizationTests() => TestTorch.Init();

    // A 2×2 weight (two filters) and a 2-entry bias, with negative entries everywhere.
    private static readonly ParameterLayout Layout = new(new[] { "w", "b" }, new[] { new long[] { 2, 2 }, new long[] { 2 } });
    private static ParameterVector V(params double[] x) => new(tensor(x), Layout);
    private static readonly ParameterVector Theta = V(3, -4, 0, -2, -1, 2);
    private static readonly ParameterVector D = V(1, 1, -2, 2, 4, -3);

    private static void Same(double[] expected, ParameterVector actual) =>
        Assert.Equal(expected, actual.Flat.data<double>().ToArray(), new Tolerance(1e-12));

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps * Math.Max(1, Math.Abs(b));
        public int GetHashCode(double x) => 0;
    }

    [Fact]
    public void None_and_weight()
    {
        Same(new double[] { 1, 1, -2, 2, 4, -3 }, Normalization.Apply(D, Theta, NormKind.None, 2));
        Same(new double[] { 3, -4, 0, -4, -4, -6 }, Normalization.Apply(D, Theta, NormKind.Weight, 2));
    }

    [Fact]
    public void Filter_l2_and_l1_per_row_and_1d_tensors_whole()
    {
        // rows of w: d (1,1) vs θ (3,-4): L2 5/√2; d (-2,2) vs θ (0,-2): L2 2/√8. b: d (4,-3) ‖·‖₂ 5 vs θ (-1,2) √5.
        double r1 = 5 / (Math.Sqrt(2) + 1e-10), r2 = 2 / (Math.Sqrt(8) + 1e-10), rb = Math.Sqrt(5) / (5 + 1e-10);
        Same(new[] { r1, r1, -2 * r2, 2 * r2, 4 * rb, -3 * rb }, Normalization.Apply(D, Theta, NormKind.Filter, 2));
        // L1 uses absolute values: rows |3|+|-4| = 7 over |1|+|1| = 2; |0|+|-2| = 2 over 4; b: 3 over 7.
        double s1 = 7 / (2 + 1e-10), s2 = 2 / (4 + 1e-10), sb = 3 / (7 + 1e-10);
        Same(new[] { s1, s1, -2 * s2, 2 * s2, 4 * sb, -3 * sb }, Normalization.Apply(D, Theta, NormKind.Filter, 1));
    }

    [Fact]
    public void Layer_and_model()
    {
        // layer L1: w: ‖θ‖₁ 9 / ‖d‖₁ 6; b: 3 / 7.
        Same(new[] { 1.5, 1.5, -3, 3, 12.0 / 7, -9.0 / 7 }, Normalization.Apply(D, Theta, NormKind.Layer, 1));
        // model L2: ‖θ‖₂ = √34, ‖d‖₂ = √35.
        double m = Math.Sqrt(34) / Math.Sqrt(35);
        Same(new[] { m, m, -2 * m, 2 * m, 4 * m, -3 * m }, Normalization.Apply(D, Theta, NormKind.Model, 2));
        // model L1: 12 / 13.
        double m1 = 12.0 / 13;
        Same(new[] { m1, m1, -2 * m1, 2 * m1, 4 * m1, -3 * m1 }, Normalization.Apply(D, Theta, NormKind.Model, 1));
    }

    [Fact]
    public void Ignore_biasbn_zeroes_1d_entries_and_the_input_is_not_changed()
    {
        var result = Normalization.Apply(D, Theta, NormKind.None, 2, ignoreBiasAndBatchNorm: true);
        Same(new double[] { 1, 1, -2, 2, 0, 0 }, result);
        Same(new double[] { 1, 1, -2, 2, 4, -3 }, D);
    }

    [Fact]
    public void Freeze_by_index_and_by_name()
    {
        var layout = new ParameterLayout(new[] { "a.weight", "a.bias", "b.weight", "b.bias" }, new[] { new long[] { 1 }, new long[] { 1 }, new long[] { 1 }, new long[] { 1 } });
        Assert.Equal(new[] { "b.weight", "b.bias" }, Freezing.FrozenNames(layout, 2, null));
        Assert.Equal(new[] { "a.weight" }, Freezing.FrozenNames(layout, -1, null));
        Assert.Equal(new[] { "a.bias", "b.bias" }, Freezing.FrozenNames(layout, null, "*.bias"));
        Assert.Throws<LlaException>(() => Freezing.FrozenNames(layout, 0, null));
        var d = new ParameterVector(tensor(new double[] { 1, 2, 3, 4 }), layout);
        Freezing.Apply(d, Freezing.FrozenNames(layout, null, "*.bias"));
        Assert.Equal(new double[] { 1, 0, 3, 0 }, d.Flat.data<double>().ToArray());
    }

    [Fact]
    public void Grid_coordinates_and_odd_steps()
    {
        var grid = Grid.Create(4, 1, UpdateRule.Add, true);
        Assert.Equal(new[] { -0.5, -0.25, 0, 0.25, 0.5 }, grid.Alphas);
        Assert.Equal(grid.Alphas, grid.Betas);
        var adam = Grid.Create(4, 1, UpdateRule.AdamEq, true);
        Assert.Equal(new[] { -1, -0.5, 0, 0.5, 1 }, adam.Alphas);
        Assert.Equal(new[] { 0.1, 0.6, 1.1, 1.6, 2.1 }, adam.Betas, new Tolerance(1e-12));
        Assert.Equal((0.5 / Math.Sqrt(1.6), 0.0), adam.Coefficients(3, 3));
        Assert.Contains("even", Assert.Throws<LlaException>(() => Grid.Create(5, 1, UpdateRule.Add, true)).Message);
        Assert.Throws<LlaException>(() => Grid.Create(4, 0, UpdateRule.Add, true));
    }
}
