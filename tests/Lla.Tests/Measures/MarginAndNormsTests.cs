using Lla.Data;
using Lla.Measures;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

public class MarginAndNormsTests
{
    public MarginAndNormsTests() => TestTorch.Init();

    // fc1: W1 = [[1, −2], [0.5, 1]], b1 = [0.1, −0.2]; fc2: W2 = [[2, 1], [−1, 3]], b2 = [0.3, 0].
    private static readonly double[,] W1 = { { 1, -2 }, { 0.5, 1 } }, W2 = { { 2, 1 }, { -1, 3 } };
    private static readonly double[] B1 = { 0.1, -0.2 }, B2 = { 0.3, 0 };

    private static TorchSharp.Modules.Sequential TinyMlp(double scale = 1)
    {
        var model = Sequential(("fc1", Linear(2, 2)), ("relu", ReLU()), ("fc2", Linear(2, 2)));
        model.to(ScalarType.Float64);
        using var _ = no_grad();
        var fc1 = (TorchSharp.Modules.Linear)model[0];
        var fc2 = (TorchSharp.Modules.Linear)model[2];
        fc1.weight!.copy_(tensor(W1) * scale);
        fc1.bias!.copy_(tensor(B1) * scale);
        fc2.weight!.copy_(tensor(W2) / scale);
        fc2.bias!.copy_(tensor(B2));
        return model;
    }

    private static Batch Data(long samples = 11, long seed = 3)
    {
        var g = new Generator((ulong)seed);
        return new Batch(randn(new long[] { samples, 2 }, dtype: ScalarType.Float64, generator: g), randint(0, 2, new long[] { samples }, generator: g));
    }

    private static double Get(IReadOnlyList<MeasureValue> values, string name) => values.Single(v => v.Name == name).Value!.Value;

    /// <summary>λ_max of the 2×2 matrix WᵀW: (tr + √(tr² − 4 det)) / 2.</summary>
    private static double LargestEigenvalueOfGram(double[,] w)
    {
        double a = w[0, 0] * w[0, 0] + w[1, 0] * w[1, 0], d = w[0, 1] * w[0, 1] + w[1, 1] * w[1, 1], b = w[0, 0] * w[0, 1] + w[1, 0] * w[1, 1];
        double tr = a + d, det = a * d - b * b;
        return (tr + Math.Sqrt(tr * tr - 4 * det)) / 2;
    }

    [Fact]
    public void Norms_match_hand_computations_on_a_two_layer_relu_network()
    {
        var model = TinyMlp();
        var values = MarginAndNorms.Compute(model, new[] { Data() }, new MarginAndNormsOptions { InitialParameters = zeros(12, dtype: ScalarType.Float64) });

        // Path norm: h = W1²·1 + b1² = [5.01, 1.29]; out = W2²·h + b2² = [21.42, 16.62]; sum 38.04.
        Assert.Equal(38.04, Get(values, "path_norm"), 10);
        // ‖W1‖_F² = 6.25, ‖W2‖_F² = 15.
        Assert.Equal(Math.Log(6.25) + Math.Log(15), Get(values, "log_frob_prod"), 10);
        Assert.Equal(Math.Log(LargestEigenvalueOfGram(W1)) + Math.Log(LargestEigenvalueOfGram(W2)), Get(values, "log_spec_prod"), 10);
        // ‖θ‖² = 6.25 + 0.05 + 15 + 0.09.
        Assert.Equal(21.39, Get(values, "param_norm"), 10);
        Assert.Equal(Math.Sqrt(21.39), Get(values, "dist_init"), 10);
        Assert.All(values, v => Assert.Contains(v.Direction, new[] { -1, 1 }));
        Assert.Equal(-1, values.Single(v => v.Name == "margin").Direction);
    }

    [Fact]
    public void Margin_is_the_tenth_percentile_of_hand_computed_margins()
    {
        var model = TinyMlp();
        var data = Data(samples: 11);
        // Logits by hand: W2·relu(W1 x + b1) + b2, sample by sample.
        var x = data.Inputs.data<double>().ToArray();
        var y = data.Targets.data<long>().ToArray();
        var margins = new double[11];
        for (int i = 0; i < 11; i++)
        {
            double h0 = Math.Max(0, W1[0, 0] * x[2 * i] + W1[0, 1] * x[2 * i + 1] + B1[0]);
            double h1 = Math.Max(0, W1[1, 0] * x[2 * i] + W1[1, 1] * x[2 * i + 1] + B1[1]);
            double z0 = W2[0, 0] * h0 + W2[0, 1] * h1 + B2[0], z1 = W2[1, 0] * h0 + W2[1, 1] * h1 + B2[1];
            margins[i] = y[i] == 0 ? z0 - z1 : z1 - z0;
        }
        Array.Sort(margins);
        // 10th percentile of 11 values with linear interpolation: position 0.1 · 10 = 1, the second smallest.
        var values = MarginAndNorms.Compute(model, new[] { data });
        Assert.Equal(margins[1], Get(values, "margin"), 12);
        var specOverMargin = values.Single(v => v.Name == "log_spec_over_margin");
        if (margins[1] > 0) Assert.Equal(Get(values, "log_spec_prod") - 2 * Math.Log(margins[1]), specOverMargin.Value!.Value, 10);
        else Assert.Null(specOverMargin.Value);
        Assert.Null(values.Single(v => v.Name == "dist_init").Value);
        Assert.Contains("θ₀", values.Single(v => v.Name == "dist_init").Reason);
    }

    [Fact]
    public void A_negative_margin_makes_the_margin_ratios_unavailable()
    {
        var model = TinyMlp();
        var data = Data();
        Tensor predictions;
        using (no_grad()) predictions = model.call(data.Inputs).argmax(1);
        var wrong = new Batch(data.Inputs, 1 - predictions); // every sample mislabelled: all margins < 0
        var values = MarginAndNorms.Compute(model, new[] { wrong });
        Assert.True(Get(values, "margin") < 0);
        Assert.Null(values.Single(v => v.Name == "log_frob_over_margin").Value);
        Assert.Contains("not positive", values.Single(v => v.Name == "log_spec_over_margin").Reason);
    }

    [Fact]
    public void Rescaling_one_relu_layer_by_c_and_the_next_by_one_over_c_keeps_path_and_spectral_norms()
    {
        var data = new[] { Data() };
        var plain = MarginAndNorms.Compute(TinyMlp(), data);
        var scaled = MarginAndNorms.Compute(TinyMlp(scale: 3), data);
        foreach (var name in new[] { "path_norm", "log_spec_prod", "log_frob_prod", "margin" })
            Assert.Equal(Get(plain, name), Get(scaled, name), 10);
        Assert.True(Math.Abs(Get(plain, "param_norm") - Get(scaled, "param_norm")) > 1, "param_norm must change under rescaling");
    }

    [Fact]
    public void Path_norm_folds_batchnorm_before_squaring()
    {
        torch.manual_seed(4);
        var model = Sequential(("fc1", Linear(2, 2)), ("bn", BatchNorm1d(2)), ("relu", ReLU()), ("fc2", Linear(2, 2)));
        model.to(ScalarType.Float64);
        var bn = (TorchSharp.Modules.BatchNorm1d)model[1];
        using (no_grad())
        {
            bn.running_mean!.copy_(tensor(new[] { 0.3, -0.4 }));
            bn.running_var!.copy_(tensor(new[] { 2.0, 0.5 }));
            bn.weight!.copy_(tensor(new[] { 1.5, -0.7 }));
            bn.bias!.copy_(tensor(new[] { 0.2, 0.1 }));
        }
        var fc1 = (TorchSharp.Modules.Linear)model[0];
        var fc2 = (TorchSharp.Modules.Linear)model[3];
        // Folded by hand: s = γ/√(σ²+ε), W1' = diag(s) W1, b1' = (b1 − μ)s + β; then the path norm formula.
        var s = tensor(new[] { 1.5, -0.7 }) / (tensor(new[] { 2.0, 0.5 }) + 1e-5).sqrt();
        var w1 = fc1.weight!.detach() * s.unsqueeze(1);
        var b1 = (fc1.bias!.detach() - tensor(new[] { 0.3, -0.4 })) * s + tensor(new[] { 0.2, 0.1 });
        var hidden = w1.square().sum(1) + b1.square();
        double expected = (fc2.weight!.detach().square().mv(hidden) + fc2.bias!.detach().square()).sum().ToDouble();

        var before = ParameterSet.Of(model).Flatten();
        var values = MarginAndNorms.Compute(model, new[] { Data() });
        Assert.Equal(expected, Get(values, "path_norm"), 10);
        Assert.True(ParameterSet.Of(model).Flatten().eq(before).all().ToBoolean(), "the model's weights must be restored exactly");
        Assert.Equal(0.3, bn.running_mean!.detach()[0].ToDouble());
    }

    [Fact]
    public void Folding_batchnorm_into_resnet20_leaves_the_logits_unchanged()
    {
        torch.manual_seed(8);
        var model = new ResNet20();
        model.to(ScalarType.Float64);
        var g = new Generator(8);
        using (no_grad())
            foreach (var (_, module) in model.named_modules())
                if (module is TorchSharp.Modules.BatchNorm2d bn)
                {
                    long c = bn.running_mean!.shape[0];
                    bn.running_mean.copy_(randn(c, dtype: ScalarType.Float64, generator: g) * 0.2);
                    bn.running_var!.copy_(rand(c, dtype: ScalarType.Float64, generator: g) + 0.5);
                    bn.weight!.copy_(rand(c, dtype: ScalarType.Float64, generator: g) + 0.5);
                    bn.bias!.copy_(randn(c, dtype: ScalarType.Float64, generator: g) * 0.1);
                }
        var inputs = randn(new long[] { 2, 3, 16, 16 }, dtype: ScalarType.Float64, generator: g);
        model.eval();
        Tensor before, after;
        using (no_grad()) before = model.call(inputs);
        var trace = LayerTrace.Record(model, inputs);
        var folded = BatchNormFolding.Fold(model, trace);
        Assert.Equal(21, folded.Count(l => l.FoldedBatchNorm is not null)); // stem + 18 block BNs + 2 shortcut BNs
        Assert.Equal("layer2.0.downsample.1", folded.Single(l => l.Name == "layer2.0.downsample.0").FoldedBatchNorm);
        using (var snapshot = new ModelSnapshot(model))
        {
            BatchNormFolding.FoldInPlace(model, trace);
            using (no_grad()) after = model.call(inputs);
            // float64 folding changes only rounding (~1e-15 relative); 1e-6 is the bound.
            double relative = (after - before).abs().max().ToDouble() / before.abs().max().ToDouble();
            Assert.True(relative <= 1e-6, $"logits changed by {relative} relative");
            // The folded copies are the weights the in-place folding wrote.
            var conv = (TorchSharp.Modules.Conv2d)model.named_modules().Single(m => m.name == "layer3.2.conv2").module;
            Assert.True(allclose(conv.weight!, folded.Single(l => l.Name == "layer3.2.conv2").Weight, 1e-12, 1e-14));
        }
        Tensor restored;
        using (no_grad()) restored = model.call(inputs);
        Assert.True(restored.eq(before).all().ToBoolean(), "the snapshot must restore the model exactly");

        var values = MarginAndNorms.Compute(model, new[] { new Batch(inputs, tensor(new long[] { 1, 7 })) });
        Assert.NotNull(values.Single(v => v.Name == "log_spec_prod").Value);
        Assert.True(double.IsFinite(Get(values, "path_norm")));
    }

    [Fact]
    public void A_batchnorm_after_an_activation_is_refused_rather_than_folded_wrongly()
    {
        torch.manual_seed(4);
        var model = Sequential(("fc1", Linear(2, 2)), ("relu", ReLU()), ("bn", BatchNorm1d(2)), ("fc2", Linear(2, 2)));
        model.to(ScalarType.Float64);
        using (no_grad()) ((TorchSharp.Modules.BatchNorm1d)model[2]).running_mean!.copy_(tensor(new[] { 0.5, -0.5 }));
        var error = Assert.Throws<LlaException>(() => MarginAndNorms.Compute(model, new[] { Data() }));
        Assert.Contains("BatchNorm", error.Message);
    }
}
