using Lla.Data;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Training;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Landscapes;

/// <summary>
/// Why Hessian axes matter with BatchNorm. With BatchNorm in train mode, the loss does not change
/// when the weights feeding a BN layer are rescaled, so the radial direction of those weights is
/// exactly flat. Directions built from the weights inherit that direction: the seed library's
/// uniform [0,1) draws multiplied by the weights ("weight" normalization) point mostly along it, so
/// their plane shows flatness that is an artefact of the parameterization. The top Hessian
/// eigenvectors are orthogonal to it (at a minimum H·θ_BN = −∇L ≈ 0, so θ_BN is a null direction
/// and v·θ_BN = −v·∇L/λ ≈ 0) and show the curvature that is really there.
/// Criteria (float64, a small BN network trained to a near-stationary point):
/// rescaling by 10 changes the loss by under 1e-4 relative (BN's ε makes it inexact);
/// the loss along the radial line varies by under 1e-3 of its variation along the top eigenvector
/// scaled to the same length; the seed library's weight-normalized uniform direction
/// has a radial cosine above 0.8 in the BN-fed layer; the top eigenvectors' radial cosine is below 0.05;
/// and the curvature along the radial direction is under 1e-3 of λ1.
/// </summary>
public class BatchNormEffectTests
{
    public BatchNormEffectTests() => TestTorch.Init();

    private static (Module<Tensor, Tensor> Model, Objective Objective) TrainedBatchNormNetwork()
    {
        torch.manual_seed(3);
        var g = new Generator(3);
        var model = Sequential(("fc1", Linear(4, 16)), ("bn", BatchNorm1d(16)), ("act", ReLU()), ("fc2", Linear(16, 3)));
        model.to(ScalarType.Float64);
        var x = randn(256, 4, dtype: ScalarType.Float64, generator: g);
        var y = x.narrow(1, 0, 1).squeeze(1).gt(0).to(ScalarType.Int64) + x.narrow(1, 1, 1).squeeze(1).gt(0.5).to(ScalarType.Int64);
        var batch = new Batch(x, y);
        model.train();
        var adam = new Adam(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 0.02);
        for (int step = 0; step < 600; step++)
        {
            using var scope = NewDisposeScope();
            adam.ZeroGrad();
            LossFunctions.CrossEntropy(model.forward(x), y).backward();
            adam.Step();
        }
        AnalysisMode.Set(model, BatchNormMode.Train);
        return (model, new Objective(model, LossFunctions.CrossEntropy, new[] { batch }));
    }

    private static double RadialCosine(ParameterVector d, ParameterVector theta, int[] block)
    {
        double dot = 0, dd = 0, tt = 0;
        var dp = d.Parts();
        var tp = theta.Parts();
        foreach (int k in block)
        {
            dot += dp[k].mul(tp[k]).sum().ToDouble();
            dd += dp[k].mul(dp[k]).sum().ToDouble();
            tt += tp[k].mul(tp[k]).sum().ToDouble();
        }
        return Math.Abs(dot) / Math.Sqrt(dd * tt);
    }

    [Fact]
    public void Rescaling_invariance_makes_weight_built_directions_flat_and_hessian_axes_avoid_them()
    {
        var (model, objective) = TrainedBatchNormNetwork();
        var parameters = ParameterSet.Of(model);
        var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
        int[] fc1 = { 0, 1 }; // fc1.weight, fc1.bias: the tensors feeding the BN layer
        Assert.Equal(new[] { "fc1.weight", "fc1.bias" }, fc1.Select(k => parameters.Layout.Names[k]));
        double l0 = objective.Evaluate().Loss;

        // 1. Invariance: the same function with fc1 ten times larger.
        var scaled = theta.Clone();
        foreach (int k in fc1) scaled.Parts()[k].mul_(10);
        parameters.Assign(scaled.Flat);
        double lScaled = objective.Evaluate().Loss;
        parameters.Assign(theta.Flat);
        Assert.True(Math.Abs(lScaled - l0) <= 1e-4 * l0, $"{lScaled} vs {l0}");

        // 2. The radial direction (θ on fc1, zero elsewhere) is a flat line: its loss varies by under
        //    1e-3 of the variation along the top Hessian eigenvector scaled to the same length.
        var radial = theta.Clone();
        for (int k = 2; k < parameters.Layout.Count; k++) radial.Parts()[k].zero_();
        var lineGrid = Grid.Create(10, 1, UpdateRule.Add, false);
        var line = SurfaceEvaluator.Evaluate(objective, parameters, radial, null, lineGrid);
        double variation = line.Loss[0].Max() - line.Loss[0].Min();
        var op = new HessianOperator(objective, parameters);
        var eigen = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Tolerance = 1e-8 });
        var top = new ParameterVector(tensor(eigen.Pairs[0].Vector).to(ScalarType.Float64), parameters.Layout);
        top.Scale(radial.Norm() / top.Norm());
        var hessianLine = SurfaceEvaluator.Evaluate(objective, parameters, top, null, lineGrid);
        double hessianVariation = hessianLine.Loss[0].Max() - hessianLine.Loss[0].Min();
        Console.WriteLine($"BatchNorm effect: loss {l0}, radial variation {variation}, Hessian-axis variation {hessianVariation}");
        Assert.True(variation <= 1e-3 * hessianVariation, $"radial variation {variation} vs Hessian axis {hessianVariation}");

        // 3. The seed library's random axes (uniform [0,1)) with weight normalization point mostly along it.
        var uniform = Directions.Random(parameters.Layout, ScalarType.Float64, seed: 1, uniform: true);
        var uniformWeighted = Normalization.Apply(uniform.D1, theta, NormKind.Weight, 2);
        double uniformCosine = RadialCosine(uniformWeighted, theta, fc1);
        Assert.True(uniformCosine > 0.8, $"uniform weight-normalized radial cosine {uniformCosine}");
        Console.WriteLine($"uniform-weight radial cosine {uniformCosine}");

        // 4. The top Hessian eigenvectors are nearly orthogonal to it, and it has almost no curvature.
        foreach (var pair in eigen.Pairs)
        {
            var v = new ParameterVector(tensor(pair.Vector).to(ScalarType.Float64), parameters.Layout);
            double cosine = RadialCosine(v, theta, fc1);
            Console.WriteLine($"eigenvector λ = {pair.Value}: radial cosine {cosine}");
            Assert.True(cosine < 0.05, $"eigenvector (λ = {pair.Value}) radial cosine {cosine}");
        }
        using var unitRadial = radial.Clone().Scale(1 / radial.Norm());
        using var hr = op.Apply(unitRadial.Flat);
        double radialCurvature = hr.dot(unitRadial.Flat).ToDouble();
        Console.WriteLine($"radial curvature {radialCurvature}");
        Assert.True(Math.Abs(radialCurvature) < 1e-3 * eigen.Values[0], $"radial curvature {radialCurvature}, λ1 {eigen.Values[0]}");
    }
}
