using Lla.Runs;
using Lla.Curvature;
using Lla.Data;
using Lla.Measures;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Models;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Measures;

/// <summary>
/// The curvature family and the cost-matched baseline against hand computations on a tiny MLP in float64
/// (20 samples of 4 features, 3 classes; 1,027 parameters): the explicit Hessian from its 1,027 columns.
/// </summary>
public class CurvatureMeasuresTests
{
    public CurvatureMeasuresTests() => TestTorch.Init();

    private static Tensor DenseHessian(Objective objective, ParameterSet parameters)
    {
        var op = new HessianOperator(objective, parameters);
        int n = (int)op.Dimension;
        var columns = new Tensor[n];
        for (int i = 0; i < n; i++)
        {
            using var basis = zeros(n, dtype: ScalarType.Float64);
            basis[i] = 1.0;
            columns[i] = op.Apply(basis).detach().clone();
        }
        var h = stack(columns, 1);
        return (h + h.T) / 2;
    }

    private static double Re(Tensor h)
    {
        var eigenvalues = linalg.eigvalsh(h);
        return Math.Abs(eigenvalues.min().ToDouble() / eigenvalues.max().ToDouble());
    }

    private static double KhOf(Tensor matrix)
    {
        using var op = new DenseOperator(matrix);
        var esd = SpectralDensity.Estimate(op, new SlqOptions { Runs = 1, Steps = 100, Seed = 3 + 2 });
        return Criteria.FromSpectrum(esd.Runs, Criteria.DefaultKhPower, -0.6).Kh!.Value;
    }

    [Fact]
    public void Frobenius_norm_criteria_with_true_and_predicted_labels_and_the_batch_baseline_match_the_explicit_hessian()
    {
        string dir = Paths.NewTempFolder();
        var g = new Generator(11);
        TorchScriptTests.WriteNpy(Path.Combine(dir, "x.npy"), randn(new long[] { 20, 4 }, generator: g));
        TorchScriptTests.WriteNpy(Path.Combine(dir, "y.npy"), randint(0, 3, new long[] { 20 }, generator: g));
        var source = new ModelSource("mlp", null, $"npy:{dir}/x.npy,{dir}/y.npy", ScalarType.Float64, 5);
        using var session = AnalysisSession.Open(source, new DataSelection(Split.Train, 20, 1, false, BatchNormMode.Eval));
        var parameters = ParameterSet.Of(session.Model);
        var analysis = new HessianAnalysisOptions { TopK = 1, Runs = 1, LanczosSteps = 100, Seed = 3 };
        var values = CurvatureMeasures.Compute(session, session.Objective, parameters, analysis).ToDictionary(v => v.Name);
        var baseline = CurvatureMeasures.Baseline(MeasureContext.Of(session)).ToDictionary(v => v.Name);

        var batch = session.Batches[0];
        var h = DenseHessian(session.Objective, parameters);
        // ‖H‖_F from 10 Rademacher probes: within 4 of its standard errors of the exact norm.
        double frobenius = h.pow(2).sum().sqrt().ToDouble();
        var estimate = values["hessian_frobenius"];
        Assert.True(estimate.Spread > 0);
        Assert.InRange(estimate.Value!.Value, frobenius - 4 * estimate.Spread!.Value, frobenius + 4 * estimate.Spread!.Value);
        // λmax by Lanczos to its tolerance; re from 100 SLQ steps, whose extreme nodes have converged to the extreme eigenvalues (1e-3).
        Assert.Equal(linalg.eigvalsh(h).max().ToDouble(), values["lambda_max"].Value!.Value, 1e-3 * frobenius);
        Assert.Equal(Re(h), values["re"].Value!.Value, 1e-3 * Re(h));

        // With the model's own argmax as labels.
        Tensor logits;
        using (no_grad()) logits = session.Model.forward(batch.Inputs);
        var predicted = new Objective(session.Model, LossFunctions.CrossEntropy, new[] { new Batch(batch.Inputs, logits.argmax(1)) });
        double rePredicted = Re(DenseHessian(predicted, parameters));
        Assert.NotEqual(Re(h), rePredicted, 6); // the labels differ, so the spectra do
        Assert.Equal(rePredicted, values["re_predicted"].Value!.Value, 1e-3 * rePredicted);
        Assert.False(values["re_predicted"].NeedsLabels);

        // Kh and kh_predicted: the same SLQ (seed + 2, 100 steps, one run) on the explicit matrices gives the same Gauss
        // quadrature, so the same Kh = Σ_{θ<0}|θw|^0.5 / Σ_{θ>0}(θw)^0.5; float64 Lanczos with full reorthogonalization
        // on an HVP and on the dense matrix agree to rounding, so 1e-6 relative.
        using var hPredicted = DenseHessian(predicted, parameters);
        double khExact = KhOf(h), khPredictedExact = KhOf(hPredicted);
        Assert.NotEqual(khExact, khPredictedExact, 6);
        Assert.Equal(khExact, values["kh"].Value!.Value, 1e-6 * khExact);
        Assert.Equal(khPredictedExact, values["kh_predicted"].Value!.Value, 1e-6 * khPredictedExact);
        Assert.False(values["kh_predicted"].NeedsLabels);

        // The cost-matched baseline: accuracy and mean cross-entropy of exactly these samples.
        double accuracy = logits.argmax(1).eq(batch.Targets).to(ScalarType.Float64).mean().ToDouble();
        double loss = nn.functional.cross_entropy(logits, batch.Targets).ToDouble();
        Assert.Equal(accuracy, baseline["batch_accuracy"].Value!.Value, 12);
        Assert.Equal(loss, baseline["batch_loss"].Value!.Value, 10);
    }
}
