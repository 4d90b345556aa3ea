using Lla.Curvature;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Curvature;

public class PrincipalAnglesTests
{
    public PrincipalAnglesTests() => TestTorch.Init();

    private static Tensor RandomOrthonormal(long n, long k, long seed) =>
        linalg.qr(randn(n, k, dtype: ScalarType.Float64, generator: new Generator((ulong)seed))).Q;

    [Fact]
    public void The_same_subspace_in_another_basis_has_zero_angles()
    {
        var u = RandomOrthonormal(30, 4, 1);
        var mix = randn(4, 4, dtype: ScalarType.Float64, generator: new Generator(2)); // invertible (almost surely): same span
        var result = PrincipalAngles.Between(u, u.mm(mix));
        Assert.Equal(4, result.Angles.Length);
        // Sines of identical spans are rounding (~1e-15); arcsin keeps them that small.
        Assert.All(result.Angles, a => Assert.True(a <= 1e-10, $"angle {a}"));
        Assert.All(result.Cosines, c => Assert.Equal(1.0, c, 12));
    }

    [Fact]
    public void Orthogonal_subspaces_have_right_angles()
    {
        var q = RandomOrthonormal(30, 5, 3);
        var result = PrincipalAngles.Between(q.narrow(1, 0, 2), q.narrow(1, 2, 3));
        Assert.Equal(2, result.Angles.Length);
        Assert.All(result.Angles, a => Assert.Equal(Math.PI / 2, a, 12));
        Assert.Equal(Math.PI / 2, result.LargestAngle, 12);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1e-7)]
    [InlineData(1.5)]
    public void A_known_angle_is_recovered(double theta)
    {
        var q = RandomOrthonormal(10, 3, 4);
        var a = q.narrow(1, 0, 2);                                                            // span{q0, q1}
        var b = stack(new[] { q[.., 0], Math.Cos(theta) * q[.., 1] + Math.Sin(theta) * q[.., 2] }, 1); // q0 shared, q1 turned by θ
        var result = PrincipalAngles.Between(a, b);
        Assert.Equal(0.0, result.Angles[0], 12);
        // Relative 1e-8: the sine route is accurate to ~1e-16 absolute; arccos of 1 − θ²/2 would be off by ~1% at θ = 1e-7.
        Assert.True(Math.Abs(result.Angles[1] - theta) <= 1e-8 * theta, $"{result.Angles[1]} vs {theta}");
    }

    [Fact]
    public void Subspaces_of_different_sizes_give_as_many_angles_as_the_smaller_one()
    {
        var q = RandomOrthonormal(20, 4, 5);
        var result = PrincipalAngles.Between(q.narrow(1, 0, 3), q.narrow(1, 1, 1));
        Assert.Single(result.Angles);
        Assert.Equal(0.0, result.Angles[0], 12);
        Assert.Equal((3, 1), (result.DimensionA, result.DimensionB));
    }

    [Fact]
    public void Dependent_or_mismatched_vectors_are_refused()
    {
        var q = RandomOrthonormal(10, 2, 6);
        Assert.Throws<LlaException>(() => PrincipalAngles.Between(stack(new[] { q[.., 0], 2 * q[.., 0] }, 1), q));
        Assert.Throws<LlaException>(() => PrincipalAngles.Between(q, RandomOrthonormal(11, 2, 7)));
    }

    [Fact]
    public void Top_eigenvectors_of_the_hessian_and_the_ggn_of_softmax_regression_span_the_same_subspace()
    {
        // H = G for a linear model with cross-entropy: Lanczos on each finds the same top-2 subspace.
        var problem = new SoftmaxRegression();
        var parameters = ParameterSet.Of(problem.Model);
        var options = new LanczosOptions { K = 2, Tolerance = 1e-10, MaxSteps = 15 };
        var h = Lanczos.TopEigenpairs(new HessianOperator(problem.Objective(), parameters), options);
        var g = Lanczos.TopEigenpairs(new GgnOperator(problem.Objective(), parameters), options with { Seed = 7 });
        var result = PrincipalAngles.Between(h, g);
        // The eigenvectors come back as float32: angles of ~1e-7 are their rounding.
        Assert.All(result.Angles, a => Assert.True(a <= 1e-5, $"angle {a}"));
    }
}
