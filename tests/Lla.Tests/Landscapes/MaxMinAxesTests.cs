using Lla.Data;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Landscapes;

/// <summary>
/// `--eigen-pair max,min` on a loss that is exactly ½θᵀAθ with eigenvalues 9 … −3 (float64): the pair
/// is (λ_max, λ_min) = (9, −3), not the top two by magnitude (9, 4), and the plane along it curves up
/// along d1 and down along d2 with exactly those curvatures. The second difference of a quadratic is
/// exact, so the only error is the eigenvectors' float32 storage (~1e-7 relative): 1e-4 is a wide
/// margin, and a wrong pair would miss by at least 1.
/// </summary>
public class MaxMinAxesTests
{
    public MaxMinAxesTests() => TestTorch.Init();

    [Fact]
    public void A_max_min_planes_second_differences_at_the_centre_are_the_two_eigenvalues()
    {
        var spectrum = new double[] { 9, 4, 2, 1, 0.5, -3, -0.2, 3 };
        using var a = DenseOperator.WithSpectrum(spectrum, seed: 5);
        var model = new QuadraticModel(a.Matrix, zeros(8, dtype: ScalarType.Float64));
        var batch = new Batch(zeros(2, 1, dtype: ScalarType.Float64), zeros(2, dtype: ScalarType.Float64));
        var objective = new Objective(model, QuadraticModel.MeanLoss, new[] { batch });
        var parameters = ParameterSet.Of(model);

        var eigen = ExtremeEigenpairs.MaxMin(new HessianOperator(objective, parameters), new LanczosOptions { Tolerance = 1e-10, Seed = 2 });
        Assert.Equal(9, eigen.Values[0], 8);
        Assert.Equal(-3, eigen.Values[1], 8);
        Assert.All(eigen.Pairs, p => Assert.True(p.Converged));

        var d1 = new ParameterVector(tensor(eigen.Pairs[0].Vector).to(ScalarType.Float64), parameters.Layout);
        var d2 = new ParameterVector(tensor(eigen.Pairs[1].Vector).to(ScalarType.Float64), parameters.Layout);
        d1.Scale(1 / d1.Norm());
        d2.OrthogonalizeAgainst(new[] { d1 }).Scale(1 / d2.Norm());
        var grid = Grid.Create(10, 2, UpdateRule.Add, true);
        var surface = SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, grid);
        int c = 5;
        double h = surface.Alphas[c + 1] - surface.Alphas[c];
        double alongD1 = (surface.Loss[c][c + 1] - 2 * surface.Loss[c][c] + surface.Loss[c][c - 1]) / (h * h);
        double alongD2 = (surface.Loss[c + 1][c] - 2 * surface.Loss[c][c] + surface.Loss[c - 1][c]) / (h * h);
        Assert.True(Math.Abs(alongD1 - 9) <= 1e-4 * 9, $"along d1: {alongD1}");
        Assert.True(Math.Abs(alongD2 + 3) <= 1e-4 * 3, $"along d2: {alongD2}");
    }
}
