using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;
using Lla.Onnx;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Onnx;

public class OnnxCurvatureTests
{
    public OnnxCurvatureTests() => TestTorch.Init();

    /// <summary>
    /// The ONNX LeNet and the zoo's LeNet loaded from the same PyTorch state dict are one network:
    /// same parameter names in the same order, same loss, same top Hessian eigenvalue. Both run in
    /// float64, where an HVP is exact to ~1e-14 relative; with the same layout and seed Lanczos takes
    /// the same steps on both, so 1e-8 relative is far above what separates them.
    /// </summary>
    [Fact]
    public void Lenet_top_hessian_eigenvalue_equals_the_zoo_lenet_with_the_same_weights()
    {
        using var onnx = OnnxModel.Load(OnnxTestData.Model("lenet"));
        using var zoo = ModelZoo.Create(new ModelSpec("lenet", new long[] { 1, 28, 28 }, 10));
        WeightsLoader.Load(zoo, OnnxTestData.LeNetStateDict);
        Assert.Equal(zoo.named_parameters().Select(p => p.name), onnx.named_parameters().Select(p => p.name));
        onnx.to(ScalarType.Float64).eval();
        zoo.to(ScalarType.Float64).eval();
        using var batch = OnnxTestData.Images(32, ScalarType.Float64);

        double Loss(nn.Module<Tensor, Tensor> m)
        {
            using var _ = no_grad();
            return LossFunctions.CrossEntropy(m.forward(batch.Inputs), batch.Targets).ToDouble();
        }
        Assert.Equal(Loss(zoo), Loss(onnx), 12);

        var options = new LanczosOptions { K = 1, Tolerance = 1e-6, MaxSteps = 30, Seed = 7 };
        double TopEigenvalue(nn.Module<Tensor, Tensor> m) =>
            Lanczos.TopEigenpairs(new HessianOperator(new Objective(m, LossFunctions.CrossEntropy, new[] { batch }), ParameterSet.Of(m)), options).Values[0];
        double expected = TopEigenvalue(zoo), actual = TopEigenvalue(onnx);
        Assert.True(Math.Abs(actual - expected) <= 1e-8 * Math.Abs(expected), $"λ1 {actual} (ONNX) vs {expected} (zoo)");
    }

    /// <summary>
    /// Double backward through every operator of the transformer block (LayerNormalization, MatMul,
    /// Softmax, Erf-based Gelu, Split, Reshape, Transpose; smooth, so finite differences apply):
    /// the Hessian-vector product equals the central difference of gradients,
    /// (g(θ+hv) − g(θ−hv))/2h = Hv + O(h²) + O(ε/h); in float64 with h = 1e-4 both terms are ≲ 1e-8,
    /// so 1e-6 relative is a safe bound that a wrong second derivative would still break.
    /// </summary>
    [Fact]
    public void Hessian_vector_products_equal_finite_differences_of_gradients()
    {
        const string name = "transformer";
        using var model = OnnxModel.Load(OnnxTestData.Model(name));
        model.to(ScalarType.Float64);
        using var analysis = new AnalysisMode(model, BatchNormMode.Eval);
        using var batch = OnnxTestData.Images(16, ScalarType.Float64);
        var parameters = ParameterSet.Of(model);
        var op = new HessianOperator(new Objective(model, LossFunctions.CrossEntropy, new[] { batch }), parameters);
        var v = randn(op.Dimension, dtype: ScalarType.Float64, generator: new Generator(5));
        v.div_(v.norm());
        var hv = op.Apply(v);

        const double h = 1e-4;
        var theta = parameters.Flatten();
        parameters.Assign(theta + h * v);
        var plus = op.Gradient();
        parameters.Assign(theta - h * v);
        var minus = op.Gradient();
        parameters.Assign(theta);
        var difference = (plus - minus) / (2 * h);
        double relative = (hv - difference).norm().ToDouble() / hv.norm().ToDouble();
        Assert.True(relative <= 1e-6, $"{name}: relative difference {relative:E2} (|Hv| = {hv.norm().ToDouble():E2})");
        Assert.True(hv.norm().ToDouble() > 1e-6, "the Hessian-vector product must not vanish");
    }
}
