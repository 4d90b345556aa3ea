using Lla.Data;
using Lla.Curvature;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Curvature;

public class HessianOperatorTests
{
    public HessianOperatorTests() => TestTorch.Init();

    private static Tensor Materialize(ILinearOperator op)
    {
        long n = op.Dimension;
        var columns = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            var e = zeros(n, dtype: op.DType);
            e[i] = 1.0;
            columns.Add(op.Apply(e));
        }
        return stack(columns.ToArray(), 1);
    }

    [Fact]
    public void Hvp_matches_the_closed_form_hessian_of_softmax_regression()
    {
        var problem = new SoftmaxRegression();
        var op = new HessianOperator(problem.Objective(), ParameterSet.Of(problem.Model));
        var exact = problem.ExactHessian();
        var measured = Materialize(op);
        // float64 double backward is exact up to rounding: ~1e-16 per operation, so 1e-10 relative is far above noise.
        double relative = (measured - exact).norm().ToDouble() / exact.norm().ToDouble();
        Assert.True(relative <= 1e-10, $"relative error {relative}");
        Assert.Equal(op.Dimension, op.ApplyCount);
    }

    [Fact]
    public void Hvp_over_several_batches_is_the_sample_weighted_average()
    {
        var problem = new SoftmaxRegression(samples: 21);
        var whole = new HessianOperator(problem.Objective(), ParameterSet.Of(problem.Model));
        // Uneven batches (8, 8, 5) must give the same Hessian as the whole batch.
        var parts = new List<Batch>();
        for (long s = 0; s < 21; s += 8)
        {
            long size = Math.Min(8, 21 - s);
            parts.Add(new Batch(problem.Batch.Inputs.narrow(0, s, size), problem.Batch.Targets.narrow(0, s, size)));
        }
        var split = new HessianOperator(new Objective(problem.Model, LossFunctions.CrossEntropy, parts), ParameterSet.Of(problem.Model));
        var v = randn(whole.Dimension, dtype: ScalarType.Float64, generator: new Generator(3));
        double relative = (whole.Apply(v) - split.Apply(v)).norm().ToDouble() / whole.Apply(v).norm().ToDouble();
        Assert.True(relative <= 1e-12, $"relative difference {relative}");
    }

    [Fact]
    public void Hvp_matches_central_differences_of_gradients_for_a_small_mlp()
    {
        torch.manual_seed(11);
        var model = Sequential(("fc1", Linear(5, 7)), ("act", Tanh()), ("fc2", Linear(7, 3)));
        model.to(ScalarType.Float64);
        var g = new Generator(5);
        var batch = new Batch(randn(16, 5, dtype: ScalarType.Float64, generator: g), randint(0, 3, new long[] { 16 }, generator: g));
        var parameters = ParameterSet.Of(model);
        var op = new HessianOperator(new Objective(model, LossFunctions.CrossEntropy, new[] { batch }), parameters);
        var v = randn(op.Dimension, dtype: ScalarType.Float64, generator: g);
        v.div_(v.norm());
        var hv = op.Apply(v);

        // Central difference: (g(θ+hv) − g(θ−hv)) / 2h = Hv + O(h²) (third derivatives, of order 1 here)
        // + O(ε/h) rounding (ε ≈ 1e-16). With h = 1e-4 both are ≈ 1e-8 or below; 1e-6 leaves room.
        const double h = 1e-4;
        var theta = parameters.Flatten();
        parameters.Assign(theta + h * v);
        var plus = op.Gradient();
        parameters.Assign(theta - h * v);
        var minus = op.Gradient();
        parameters.Assign(theta);
        var difference = (plus - minus) / (2 * h);
        double relative = (difference - hv).norm().ToDouble() / hv.norm().ToDouble();
        Assert.True(relative <= 1e-6, $"relative error {relative}");
    }

    [Fact]
    public void Block_hessian_equals_the_matching_block_of_the_full_hessian()
    {
        var problem = new SoftmaxRegression();
        var exact = problem.ExactHessian();
        var op = new HessianOperator(problem.Objective(), ParameterSet.Of(problem.Model, name => name.EndsWith("bias")));
        var block = Materialize(op);
        int c = problem.Classes, d = problem.Features;
        var expected = exact.narrow(0, c * d, c).narrow(1, c * d, c);
        Assert.True((block - expected).abs().max().ToDouble() <= 1e-12);
    }
}
