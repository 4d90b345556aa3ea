using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

public class GradientManipulationTests
{
    public GradientManipulationTests() => TestTorch.Init();

    private static Tensor[] Parameters(params double[][] gradients) => gradients.Select(g =>
    {
        var p = zeros(g.Length, dtype: ScalarType.Float64).requires_grad_();
        p.sum().backward();
        using (no_grad()) p.grad!.copy_(tensor(g, dtype: ScalarType.Float64));
        return p;
    }).ToArray();

    private static double[] Grad(Tensor p) => p.grad!.data<double>().ToArray();

    [Fact]
    public void Clip_norm_scales_the_whole_gradient_to_the_limit_and_leaves_small_ones_alone()
    {
        var p = Parameters(new[] { 3.0, 0 }, new[] { 4.0 });   // ‖g‖ = 5
        new GradientManipulation("clip-norm", 0.5).Apply(p, new Generator(1));
        Assert.Equal(0.3, Grad(p[0])[0], 6);
        Assert.Equal(0.4, Grad(p[1])[0], 6);
        var q = Parameters(new[] { 0.3, 0.4 });
        new GradientManipulation("clip-norm", 1).Apply(q, new Generator(1));
        Assert.Equal(new[] { 0.3, 0.4 }, Grad(q[0]));
    }

    [Fact]
    public void Clip_value_clamps_every_entry()
    {
        var p = Parameters(new[] { -2.0, 0.05, 7 });
        new GradientManipulation("clip-value", 0.1).Apply(p, new Generator(1));
        Assert.Equal(new[] { -0.1, 0.05, 0.1 }, Grad(p[0]));
    }

    [Fact]
    public void Sign_flip_with_probability_one_negates_and_partial_flips_are_seeded()
    {
        var p = Parameters(new[] { 1.0, -2, 3 });
        new GradientManipulation("sign-flip", 1).Apply(p, new Generator(1));
        Assert.Equal(new[] { -1.0, 2, -3 }, Grad(p[0]));

        var ones = Enumerable.Repeat(1.0, 20_000).ToArray();
        var a = Parameters(ones);
        var b = Parameters(ones);
        new GradientManipulation("sign-flip", 0.3).Apply(a, new Generator(9));
        new GradientManipulation("sign-flip", 0.3).Apply(b, new Generator(9));
        Assert.Equal(Grad(a[0]), Grad(b[0]));
        double flipped = Grad(a[0]).Count(v => v < 0) / 20_000.0;
        Assert.InRange(flipped, 0.3 - 0.015, 0.3 + 0.015);   // 4.6 binomial standard deviations
    }

    [Fact]
    public void Noise_has_the_stated_scale_relative_to_the_gradient_norm()
    {
        int n = 40_000;
        var g = Enumerable.Repeat(0.01, n).ToArray();          // ‖g‖/√n = 0.01
        var p = Parameters(g);
        new GradientManipulation("noise", 2).Apply(p, new Generator(4));
        var noise = Grad(p[0]).Select(v => v - 0.01).ToArray();
        double std = Math.Sqrt(noise.Select(v => v * v).Average());
        Assert.InRange(std, 0.02 * 0.98, 0.02 * 1.02);        // sample std of 40,000 normals: ±0.35% per σ
    }

    [Theory]
    [InlineData("clip-norm", 0)]
    [InlineData("sign-flip", 1.5)]
    [InlineData("noise", -1)]
    [InlineData("shuffle", 1)]
    public void Nonsense_settings_are_refused(string kind, double value) =>
        Assert.Throws<LlaException>(() => new GradientManipulation(kind, value).Validate());
}
