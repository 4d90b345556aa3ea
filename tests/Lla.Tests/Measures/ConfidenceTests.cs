using Lla.Data;
using Lla.Measures;
using Lla.Objectives;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

public class ConfidenceTests
{
    public ConfidenceTests() => TestTorch.Init();

    // The model returns its input: each sample's input is its logits, so confidences are known in closed form.
    private static Module<Tensor, Tensor> Identity() => Sequential(("id", nn.Identity()));

    /// <summary>Two-class logits [a, 0]: max-softmax 1/(1 + e^(−|a|)).</summary>
    private static double Confidence2(double a) => 1 / (1 + Math.Exp(-Math.Abs(a)));

    private static Batch TwoClass(double[] a, long[] labels) =>
        new(stack(a.Select(v => tensor(new[] { v, 0.0 })).ToArray()), tensor(labels));

    private static double Get(IReadOnlyList<MeasureValue> values, string name) => values.Single(v => v.Name == name).Value!.Value;

    [Fact]
    public void Atc_and_doc_match_a_hand_computation()
    {
        // Source (validation): logits a = 3, −2, 1, 0.5, −4; predictions 0, 1, 0, 0, 1; labels make samples 1, 2, 4 right.
        double[] source = { 3, -2, 1, 0.5, -4 };
        var validation = TwoClass(source, new long[] { 0, 1, 1, 1, 1 });
        // Accuracy 3/5. Confidences sorted: c(0.5) < c(1) < c(2) < c(3) < c(4); t = the (5 − 3)-th smallest = c(1).
        double t = Confidence2(1);
        double[] target = { 0.2, 1.5, -3, 0.9 }; // above t: 1.5 and −3 → ATC 2/4
        var values = Confidence.Compute(Identity(), new[] { TwoClass(target, new long[] { 0, 0, 0, 0 }) }, new ConfidenceOptions { Validation = new[] { validation } });
        Assert.Equal(0.5, Get(values, "atc_accuracy"), 12);
        Assert.True(Confidence2(0.9) < t && Confidence2(1.5) > t);
        double sourceMean = source.Average(Confidence2), targetMean = target.Average(Confidence2);
        Assert.Equal(0.6 - (sourceMean - targetMean), Get(values, "doc_accuracy"), 12);
        Assert.Equal(targetMean, Get(values, "confidence_mean"), 12);
        // Entropy of [p, 1 − p]: −p ln p − (1 − p) ln(1 − p).
        double entropy = target.Select(Confidence2).Average(p => -p * Math.Log(p) - (1 - p) * Math.Log(1 - p));
        Assert.Equal(entropy, Get(values, "entropy_mean"), 12);
        Assert.Equal(-1, values.Single(v => v.Name == "atc_accuracy").Direction);
    }

    [Fact]
    public void Atc_on_its_own_source_returns_the_source_accuracy()
    {
        var g = new Generator(9);
        var source = new Batch(randn(new long[] { 40, 4 }, dtype: ScalarType.Float64, generator: g), randint(0, 4, new long[] { 40 }, generator: g));
        torch.manual_seed(9);
        var model = Sequential(("fc", Linear(4, 4)));
        model.to(ScalarType.Float64);
        var values = Confidence.Compute(model, new[] { source }, new ConfidenceOptions { Validation = new[] { source } });
        double accuracy;
        using (no_grad()) accuracy = model.call(source.Inputs).argmax(1).eq(source.Targets).to(ScalarType.Float64).mean().ToDouble();
        Assert.Equal(accuracy, Get(values, "atc_accuracy"), 12);
        // DoC on its own source is the accuracy too: the confidence terms cancel.
        Assert.Equal(accuracy, Get(values, "doc_accuracy"), 12);
    }

    [Fact]
    public void Without_a_validation_set_atc_and_doc_are_unavailable_with_the_reason()
    {
        var values = Confidence.Compute(Identity(), new[] { TwoClass(new[] { 1.0, -1 }, new long[] { 0, 0 }) });
        foreach (var name in new[] { "atc_accuracy", "doc_accuracy" })
        {
            var v = values.Single(m => m.Name == name);
            Assert.Null(v.Value);
            Assert.Contains("validation", v.Reason);
        }
        Assert.Equal(Confidence2(1), Get(values, "confidence_mean"), 12);
    }
}
