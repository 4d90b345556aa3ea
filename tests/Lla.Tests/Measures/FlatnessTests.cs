using Lla.Data;
using Lla.Measures;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

public class FlatnessTests
{
    public FlatnessTests() => TestTorch.Init();

    private static TorchSharp.Modules.Sequential Mlp(bool bias = true)
    {
        torch.manual_seed(23);
        var model = Sequential(("fc1", Linear(3, 8, hasBias: bias)), ("relu", ReLU()), ("fc2", Linear(8, 3, hasBias: bias)));
        model.to(ScalarType.Float64);
        return model;
    }

    /// <summary>64 samples labelled by the model's own predictions, so acc(θ) = 1 and noise can only lower it.</summary>
    private static Batch[] SelfLabelled(Module<Tensor, Tensor> model)
    {
        var x = randn(new long[] { 64, 3 }, dtype: ScalarType.Float64, generator: new Generator(31));
        Tensor y;
        using (no_grad()) y = model.call(x).argmax(1);
        return new[] { new Batch(x, y) };
    }

    [Fact]
    public void Sigma_grows_with_the_allowed_accuracy_drop_and_sits_at_the_drop_within_the_resolution()
    {
        var model = Mlp();
        var data = SelfLabelled(model);
        var before = ParameterSet.Of(model).Flatten();
        double previous = 0;
        foreach (double drop in new[] { 0.05, 0.1, 0.2, 0.3 })
        {
            var search = PacBayes.FindSigma(model, data, magnitudeAware: false, new PacBayesOptions { AccuracyDrop = drop });
            Assert.True(search.Sigma >= previous, $"σ({drop}) = {search.Sigma} < σ of a smaller drop {previous}");
            Assert.True(search.Sigma > 0 && search.Sigma < 2, $"σ = {search.Sigma} should lie inside the interval here");
            previous = search.Sigma;
        }
        Assert.True(ParameterSet.Of(model).Flatten().eq(before).all().ToBoolean(), "the weights must be restored exactly");

        foreach (bool magnitude in new[] { false, true })
        {
            var options = new PacBayesOptions();
            var search = PacBayes.FindSigma(model, data, magnitude, options);
            Assert.Equal(1.0, search.BaseAccuracy);
            Assert.Equal(2.0 / 32768, search.Resolution);
            // The bisection's invariant: the condition holds at σ and fails one resolution step above it.
            double at = PacBayes.ExpectedAccuracy(model, data, search.Sigma, magnitude, options);
            double above = PacBayes.ExpectedAccuracy(model, data, search.Sigma + search.Resolution, magnitude, options);
            Assert.True(at >= 1 - 0.1, $"drop at σ: {1 - at}");
            Assert.True(above < 1 - 0.1, $"drop one resolution step above σ: {1 - above}");
            Assert.Equal(at, search.ExpectedAccuracyAtSigma);
        }
    }

    [Fact]
    public void A_network_at_chance_reports_sigma_two_with_the_reason()
    {
        var model = Mlp();
        using (no_grad())
        {
            var fc2 = (TorchSharp.Modules.Linear)model[2];
            fc2.weight!.zero_();
            fc2.bias!.zero_(); // all logits 0: every sample is predicted as class 0
        }
        var x = randn(new long[] { 60, 3 }, dtype: ScalarType.Float64, generator: new Generator(2));
        var y = arange(60, dtype: ScalarType.Int64) % 3; // balanced: accuracy 1/3
        var values = Flatness.Compute(model, new[] { new Batch(x, y) });
        var sigma = values.Single(v => v.Name == "pacbayes_sigma");
        Assert.Equal(2.0, sigma.Value);
        Assert.Contains("σ = 2", sigma.Reason);
        Assert.Equal(0.25, values.Single(v => v.Name == "pacbayes_flatness").Value!.Value, 12);
        Assert.Null(values.Single(v => v.Name == "pacbayes_bound").Value);
    }

    [Fact]
    public void Bounds_follow_the_formula_with_the_sigmas_found()
    {
        var model = Mlp();
        var data = SelfLabelled(model);
        var theta0 = zeros(ParameterSet.Of(model).Dimension, dtype: ScalarType.Float64);
        double norm2 = ParameterSet.Of(model).Flatten().square().sum().ToDouble();
        var values = Flatness.Compute(model, data, new FlatnessOptions { InitialParameters = theta0, TrainingSetSize = 1000 });
        foreach (var prefix in new[] { "pacbayes_", "pacbayes_mag_" })
        {
            double sigma = values.Single(v => v.Name == prefix + "sigma").Value!.Value;
            Assert.Equal(1 / (sigma * sigma), values.Single(v => v.Name == prefix + "flatness").Value!.Value, 10);
            Assert.Equal(norm2 / (4 * sigma * sigma) + Math.Log(1000 / sigma) + 10, values.Single(v => v.Name == prefix + "bound").Value!.Value, 10);
        }
        Assert.Equal(-1, values.Single(v => v.Name == "pacbayes_sigma").Direction);
        Assert.Equal(1, values.Single(v => v.Name == "pacbayes_flatness").Direction);
    }

    [Fact]
    public void Fisher_rao_of_a_bias_free_relu_network_is_its_homogeneity_identity()
    {
        // z(θ) is homogeneous of degree L = 2 in θ, so ⟨θ, ∇ℓ_i⟩ = 2·(∂ℓ/∂z)·z = 2·(p_i − e_{y_i})·z_i,
        // and the norm is (L + 1)²·mean_i of its square.
        var model = Mlp(bias: false);
        var g = new Generator(8);
        var batch = new Batch(randn(new long[] { 20, 3 }, dtype: ScalarType.Float64, generator: g), randint(0, 3, new long[] { 20 }, generator: g));
        Tensor z;
        using (no_grad()) z = model.call(batch.Inputs);
        var p = nn.functional.softmax(z, 1);
        var e = nn.functional.one_hot(batch.Targets, 3).to(ScalarType.Float64);
        var derivative = 2 * ((p - e) * z).sum(1);
        double expected = 9 * derivative.square().mean().ToDouble();
        var (value, _, backward) = FisherRao.Compute(model, new[] { batch });
        Assert.Equal(expected, value, 10);
        Assert.Equal(2, backward);
    }
}
