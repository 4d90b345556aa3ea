using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using Xunit.Abstractions;

namespace Lla.Tests.Models.Gpt;

/// <summary>
/// A two-layer GPT of 1,880 parameters (536 in the default category) in float64: the Hessian-vector products of the library's operator
/// (what <c>lla hessian</c> uses) equal the explicit Hessian built by autograd (the Jacobian of the
/// gradient, row by row), which in turn matches central differences of the gradient, an independent check
/// of the double backward through attention, softmax, LayerNorm, GELU and the tied embedding.
/// </summary>
public class GptHessianTests
{
    private readonly ITestOutputHelper _output;

    public GptHessianTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    internal const string Small = "gpt:layers=2,heads=2,width=8,context=4,vocab=11";
    private const string Smaller = "gpt:layers=2,heads=2,width=4,context=4,vocab=11";

    internal static (GptModel Model, Objective Objective) Problem(string spec = Small)
    {
        torch.manual_seed(11);
        var model = (GptModel)ModelZoo.Create(new ModelSpec(spec, new long[] { 4 }, 11));
        model.to(ScalarType.Float64);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                p.add_(randn_like(p).mul(0.3)); // away from nanoGPT's near-zero initialization: attention far from uniform
        var generator = new Generator(7);
        var ids = randint(0, 11, new long[] { 3, 4 }, dtype: ScalarType.Int64, generator: generator);
        var targets = randint(0, 11, new long[] { 3, 4 }, dtype: ScalarType.Int64, generator: generator);
        targets[1, 3] = tensor(LossFunctions.IgnoreIndex);
        return (model, new Objective(model, LossFunctions.NextTokenCrossEntropy, new[] { new Batch(ids, targets) }));
    }

    /// <summary>The explicit Hessian: the gradient with its graph, then one backward per coordinate.</summary>
    private static Tensor ExplicitHessian(Objective objective, ParameterSet parameters)
    {
        var inputs = parameters.Parameters.Cast<Tensor>().ToArray();
        using var grad = enable_grad();
        var loss = objective.BatchLoss(objective.Batches[0]);
        var gradient = cat(torch.autograd.grad(new[] { loss }, inputs, create_graph: true, retain_graph: true).Select(g => g.reshape(-1)).ToArray());
        long n = gradient.shape[0];
        var rows = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var row = torch.autograd.grad(new[] { gradient[i] }, inputs, retain_graph: true, allow_unused: true);
            rows[i] = cat(row.Select((r, j) => (r.IsInvalid ? zeros_like(inputs[j]) : r).reshape(-1)).ToArray()).MoveToOuterDisposeScope();
        }
        return stack(rows);
    }

    [Fact]
    public void Hvp_equals_the_explicit_hessian_and_both_match_gradient_differences() => Check(Smaller + ",gelu=tanh", 556);

    /// <summary>The same with 1,880 parameters (about 30 s on two loaded cores).</summary>
    [Trait("Category", "Slow")]
    [Fact]
    public void Hvp_equals_the_explicit_hessian_of_a_gpt_of_1880_parameters() => Check(Small, 1880);

    private void Check(string spec, long dimension)
    {
        var (model, objective) = Problem(spec);
        var parameters = ParameterSet.Of(model);
        Assert.Equal(dimension, parameters.Dimension);
        var operatorH = CurvatureOperators.Create(CurvatureOperator.Hessian, objective, parameters);
        using var h = ExplicitHessian(objective, parameters);
        double asymmetry = (h - h.t()).norm().ToDouble() / h.norm().ToDouble();
        Assert.True(asymmetry <= 1e-12, $"asymmetry {asymmetry:E2}");

        var generator = new Generator(3);
        double worst = 0;
        for (int k = 0; k < 4; k++)
        {
            using var scope = NewDisposeScope();
            var v = randn(parameters.Dimension, dtype: ScalarType.Float64, generator: generator);
            var hv = operatorH.Apply(v);
            var expected = h.matmul(v);
            worst = Math.Max(worst, (hv - expected).norm().ToDouble() / expected.norm().ToDouble());
        }
        _output.WriteLine($"HVP vs explicit Hessian (n = {parameters.Dimension}): worst relative difference {worst:E2}; asymmetry {asymmetry:E2}");
        // Both are double backward in float64; they differ by summation order only (~1e-15).
        Assert.True(worst <= 1e-8, $"HVP vs explicit Hessian: relative difference {worst:E2}");

        // Central differences of the gradient along a few coordinates (one per kind of tensor): truncation ~ε² ≈ 1e-10,
        // rounding ~1e-16/ε ≈ 1e-11, so 1e-6 relative separates right from wrong.
        var operatorG = new HessianOperator(objective, parameters);
        var theta = parameters.Flatten();
        const double eps = 1e-5;
        foreach (long i in new long[] { 3, 50, 100, 130, 400, 900, 1870 }.Where(i => i < dimension))
        {
            using var scope = NewDisposeScope();
            var step = zeros_like(theta);
            step[i] = eps;
            parameters.Assign(theta + step);
            var plus = operatorG.Gradient();
            parameters.Assign(theta - step);
            var minus = operatorG.Gradient();
            parameters.Assign(theta);
            var column = (plus - minus) / (2 * eps);
            double relative = (column - h[TensorIndex.Colon, i]).norm().ToDouble() / Math.Max(column.norm().ToDouble(), 1e-12);
            _output.WriteLine($"column {i}: relative difference from central gradient differences {relative:E2}");
            Assert.True(relative <= 1e-6, $"column {i}: relative difference from gradient differences {relative:E2}");
        }
    }
}
