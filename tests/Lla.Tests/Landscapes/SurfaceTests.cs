using Lla.Data;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Landscapes;

/// <summary>A model whose loss is exactly ½θᵀAθ (the output, averaged over a dummy batch).</summary>
internal sealed class QuadraticModel : Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter theta;
    private readonly Tensor _a;

    public QuadraticModel(Tensor a, Tensor start) : base("quadratic")
    {
        theta = new TorchSharp.Modules.Parameter(start.clone());
        _a = a;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => (0.5 * theta.dot(_a.mv(theta))).expand(x.shape[0]);

    public static Tensor MeanLoss(Tensor outputs, Tensor targets) => outputs.mean();
}

public class SurfaceTests
{
    public SurfaceTests() => TestTorch.Init();

    [Fact]
    public void Plane_along_the_top_two_eigenvectors_of_a_quadratic_is_half_lambda_alpha_squared()
    {
        var spectrum = new double[] { 9, 4, 2, 1, 0.5, -0.2, 0.1, 3 };
        using var a = DenseOperator.WithSpectrum(spectrum, seed: 3);
        var model = new QuadraticModel(a.Matrix, zeros(8, dtype: ScalarType.Float64));
        var batch = new Batch(zeros(2, 1, dtype: ScalarType.Float64), zeros(2, dtype: ScalarType.Float64));
        var objective = new Objective(model, QuadraticModel.MeanLoss, new[] { batch });
        var parameters = ParameterSet.Of(model);
        var eigen = Lanczos.TopEigenpairs(new HessianOperator(objective, parameters), new LanczosOptions { K = 2, Tolerance = 1e-10 });
        Assert.Equal(9, eigen.Values[0], 8);
        var d1 = new ParameterVector(tensor(eigen.Pairs[0].Vector).to(ScalarType.Float64), parameters.Layout);
        var d2 = new ParameterVector(tensor(eigen.Pairs[1].Vector).to(ScalarType.Float64), parameters.Layout);
        // The stored eigenvectors are float32: renormalize and orthogonalize in float64 before use.
        d1.Scale(1 / d1.Norm());
        d2.OrthogonalizeAgainst(new[] { d1 }).Scale(1 / d2.Norm());
        var grid = Grid.Create(10, 2, UpdateRule.Add, true);
        var surface = SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, grid);
        // The exact quadratic form of the plane, from d's own Rayleigh quotients (9 and 4 to float32 accuracy).
        double q11 = d1.Flat.dot(a.Matrix.mv(d1.Flat)).ToDouble(), q22 = d2.Flat.dot(a.Matrix.mv(d2.Flat)).ToDouble();
        double q12 = d1.Flat.dot(a.Matrix.mv(d2.Flat)).ToDouble();
        Assert.Equal(9, q11, 5);
        Assert.Equal(4, q22, 5);
        for (int j = 0; j < grid.Rows; j++)
            for (int i = 0; i < grid.Columns; i++)
            {
                double x = surface.Alphas[i], y = surface.Betas[j];
                double expected = 0.5 * (q11 * x * x + 2 * q12 * x * y + q22 * y * y);
                Assert.True(Math.Abs(expected - surface.Loss[j][i]) < 1e-10, $"i {i} j {j} a {x} b {y} expected {expected} got {surface.Loss[j][i]} q {q11} {q22} {q12}");
                Assert.Equal(0.5 * (9 * x * x + 4 * y * y), surface.Loss[j][i], 4);
            }
        Assert.Equal(0.0, surface.Loss[5][5]);
    }

    [Fact]
    public void Centre_equals_the_unperturbed_loss_and_weights_are_restored_exactly()
    {
        var problem = new SoftmaxRegression(samples: 40);
        var objective = problem.Objective();
        var parameters = ParameterSet.Of(problem.Model);
        var before = parameters.Flatten();
        double loss = objective.Evaluate().Loss;
        var pair = Directions.Random(parameters.Layout, ScalarType.Float64, seed: 4);
        var theta = new ParameterVector(before.clone(), parameters.Layout);
        var d1 = Normalization.Apply(pair.D1, theta, NormKind.Filter, 2);
        var d2 = Normalization.Apply(pair.D2!, theta, NormKind.Filter, 2);
        var surface = SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, Grid.Create(6, 1, UpdateRule.Add, true), lossCap: 50);
        Assert.Equal(loss, surface.Loss[3][3]);
        Assert.True(parameters.Flatten().eq(before).all().ToBoolean());
        Assert.All(surface.Loss.SelectMany(r => r), l => Assert.InRange(l, 0, 50));
        // Random directions are centred Gaussians and the second is orthogonal to the first.
        Assert.True(Math.Abs(pair.D1.Dot(pair.D2!)) < 1e-10);
    }

    [Fact]
    public void A_point_log_resumes_without_recomputing_finished_points()
    {
        var problem = new SoftmaxRegression(samples: 10);
        var objective = problem.Objective();
        var parameters = ParameterSet.Of(problem.Model);
        var pair = Directions.Random(parameters.Layout, ScalarType.Float64, seed: 1);
        var grid = Grid.Create(4, 1, UpdateRule.Add, true);
        string path = Path.Combine(Paths.NewTempFolder(), "points");
        var full = SurfaceEvaluator.Evaluate(objective, parameters, pair.D1, pair.D2, grid);
        // Pretend a run died after 7 points, in the middle of writing the 8th line.
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 7).Select(k =>
            FormattableString.Invariant($"{k % 5} {k / 5} {full.Loss[k / 5][k % 5]:R} {full.Accuracy[k / 5][k % 5]:R} ;\n"))) + "2 1 0.12");
        using (var log = new PointLog(path))
        {
            var resumed = SurfaceEvaluator.Evaluate(objective, parameters, pair.D1, pair.D2, grid, log: log);
            Assert.Equal(7, resumed.Resumed);
            Assert.Equal(25 - 7, resumed.Computed);
            for (int j = 0; j < 5; j++) Assert.Equal(full.Loss[j], resumed.Loss[j]);
        }
        using var again = new PointLog(path);
        Assert.Equal(25, again.Finished.Count);
    }
}
