using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Vectors;

public class ParameterVectorTests
{
    public ParameterVectorTests() => TestTorch.Init();

    private static readonly ParameterLayout Layout = new(new[] { "w", "b" }, new[] { new long[] { 2, 3 }, new long[] { 2 } });

    [Fact]
    public void Linear_algebra_on_the_flat_vector()
    {
        var x = new ParameterVector(tensor(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }), Layout);
        var y = new ParameterVector(ones(8, dtype: ScalarType.Float64), Layout);
        Assert.Equal(36.0, x.Dot(y));
        Assert.Equal(Math.Sqrt(204), x.Norm(), 12);
        x.Clone().Axpy(2, y).Scale(0.5);
        Assert.Equal(new double[] { 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5 }, x.Clone().Axpy(2, y).Scale(0.5).Flat.data<double>().ToArray());
        var parts = x.Parts();
        Assert.Equal(new long[] { 2, 3 }, parts[0].shape);
        Assert.Equal(7.0, parts[1][0].ToDouble());
    }

    [Fact]
    public void Orthogonalize_removes_components_along_a_set()
    {
        var g = new Generator(1);
        var a = ParameterVector.Gaussian(Layout, ScalarType.Float64, g);
        var b = ParameterVector.Gaussian(Layout, ScalarType.Float64, g);
        var v = ParameterVector.Gaussian(Layout, ScalarType.Float64, g);
        v.OrthogonalizeAgainst(new[] { a, b });
        Assert.True(Math.Abs(v.Dot(a)) < 1e-12 && Math.Abs(v.Dot(b)) < 1e-12);
    }

    [Fact]
    public void Random_vectors_are_seeded_gaussian_and_rademacher()
    {
        var big = new ParameterLayout(new[] { "x" }, new[] { new long[] { 200_000 } });
        var gaussian = ParameterVector.Gaussian(big, ScalarType.Float64, new Generator(5));
        Assert.InRange(gaussian.Flat.mean().ToDouble(), -0.01, 0.01);   // 4.5 standard errors of the mean
        Assert.InRange(gaussian.Flat.var().ToDouble(), 0.99, 1.01);
        Assert.True(gaussian.Flat.lt(0).any().ToBoolean()); // centred, unlike the seed library's uniform [0,1)
        var again = ParameterVector.Gaussian(big, ScalarType.Float64, new Generator(5));
        Assert.True(gaussian.Flat.eq(again.Flat).all().ToBoolean());
        var signs = ParameterVector.Rademacher(big, ScalarType.Float32, new Generator(5));
        Assert.True(signs.Flat.abs().eq(1).all().ToBoolean());
        Assert.InRange(signs.Flat.mean().ToDouble(), -0.01, 0.01);
    }

    [Fact]
    public void Parameter_sets_flatten_and_assign_exactly_and_can_select_a_block()
    {
        torch.manual_seed(1);
        var model = Sequential(("fc1", Linear(3, 4)), ("fc2", Linear(4, 2)));
        var all = ParameterSet.Of(model);
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, all.Dimension);
        var theta = all.Flatten();
        all.Assign(theta * 2);
        Assert.True(all.Flatten().eq(theta * 2).all().ToBoolean());
        var block = ParameterSet.Of(model, n => n.StartsWith("fc2"));
        Assert.Equal(new[] { "fc2.weight", "fc2.bias" }, block.Layout.Names);
        Assert.Throws<LlaException>(() => ParameterSet.Of(model, n => n == "nothing"));
    }
}
