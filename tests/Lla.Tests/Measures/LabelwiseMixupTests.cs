using Lla.Data;
using Lla.Measures;
using Lla.Objectives;
using Lla.Studies;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

/// <summary>
/// Label-wise Mixup accuracy on models whose behaviour on mixtures is known, its pairs and their seed, and the
/// representation family's product and study values. Accuracies are ratios of small integers: compared to 1e-12.
/// </summary>
public class LabelwiseMixupTests
{
    public LabelwiseMixupTests() => TestTorch.Init();

    /// <summary>One input x per sample, [n, 1].</summary>
    private static Batch OneD(double[] x, long[] labels) => new(tensor(x, dtype: ScalarType.Float64).unsqueeze(1), tensor(labels));

    /// <summary>Logits (x, −x): class 0 for x &gt; 0, class 1 for x &lt; 0; a mixture of two same-sign inputs keeps the sign.</summary>
    private static Module<Tensor, Tensor> SignModel()
    {
        var fc = Linear(1, 2);
        fc.to(ScalarType.Float64);
        using (no_grad()) { fc.weight!.copy_(tensor(new[] { 1.0, -1.0 }, dtype: ScalarType.Float64).unsqueeze(1)); fc.bias!.zero_(); }
        return Sequential(("fc", fc));
    }

    /// <summary>Logits (|x| − 0.5, 0.5 − |x|) by |x| = relu(x) + relu(−x): class 0 far from 0, class 1 near it.</summary>
    private static Module<Tensor, Tensor> DistanceModel()
    {
        var split = Linear(1, 2);
        var head = Linear(2, 2);
        split.to(ScalarType.Float64);
        head.to(ScalarType.Float64);
        using (no_grad())
        {
            split.weight!.copy_(tensor(new[] { 1.0, -1.0 }, dtype: ScalarType.Float64).unsqueeze(1));
            split.bias!.zero_();
            head.weight!.copy_(tensor(new double[,] { { 1, 1 }, { -1, -1 } }, dtype: ScalarType.Float64));
            head.bias!.copy_(tensor(new[] { -0.5, 0.5 }, dtype: ScalarType.Float64));
        }
        return Sequential(("split", split), ("relu", ReLU()), ("head", head));
    }

    [Fact]
    public void Mixing_within_a_class_that_a_linear_model_separates_keeps_the_class()
    {
        // 30 samples per class: the pairs are drawn (⌊4.5·30⌋ = 135 per class), and every one keeps its class.
        var g = new Generator(2);
        var positive = (rand(30, dtype: ScalarType.Float64, generator: g) + 0.1).data<double>().ToArray();
        var negative = (-rand(30, dtype: ScalarType.Float64, generator: g) - 0.1).data<double>().ToArray();
        var batch = OneD(positive.Concat(negative).ToArray(), Enumerable.Repeat(0L, 30).Concat(Enumerable.Repeat(1L, 30)).ToArray());
        var result = LabelwiseMixup.Compute(SignModel(), new[] { batch }, seed: 7);
        Assert.Equal(1.0, result.Accuracy, 12);
        Assert.Equal(2 * 135, result.Mixtures);
        Assert.Equal(2, result.Classes);
    }

    [Fact]
    public void Mixtures_that_cross_a_decision_region_are_counted_wrong_by_hand()
    {
        // Class 0 (|x| > 0.5): −1, 1, 3. Every pair (at most ten samples): (−1, 1) → 0 wrong; (−1, 3) → 1 right; (1, 3) → 2 right: 2/3.
        // Class 1 (|x| < 0.5): 0.1, 0.2 → 0.15 right: 1. Mean over classes: 5/6.
        var batches = new[] { OneD(new[] { -1.0, 0.1 }, new long[] { 0, 1 }), OneD(new[] { 1.0, 3.0, 0.2 }, new long[] { 0, 0, 1 }) };
        var result = LabelwiseMixup.Compute(DistanceModel(), batches, seed: 0);
        Assert.Equal(5.0 / 6, result.Accuracy, 12);
        Assert.Equal(3 + 1, result.Mixtures);
        // Every pair is taken, whatever the seed.
        Assert.Equal(result, LabelwiseMixup.Compute(DistanceModel(), batches, seed: 123));
    }

    [Fact]
    public void Pairs_are_distinct_ordered_and_reproducible_under_the_seed()
    {
        Assert.Equal(new[] { (0, 1), (0, 2), (1, 2) }, LabelwiseMixup.Pairs(3, new Generator(1)));
        Assert.Equal(45, LabelwiseMixup.Pairs(10, new Generator(1)).Count); // ten samples: every pair
        Assert.Empty(LabelwiseMixup.Pairs(1, new Generator(1)));
        var a = LabelwiseMixup.Pairs(40, new Generator(5));
        Assert.Equal(180, a.Count);
        Assert.Equal(a.Count, a.Distinct().Count());
        Assert.All(a, p => Assert.True(p.I < p.J && p.I >= 0 && p.J < 40));
        Assert.Equal(a, LabelwiseMixup.Pairs(40, new Generator(5)));
        Assert.NotEqual(a, LabelwiseMixup.Pairs(40, new Generator(6)));

        // The accuracy of a model that is wrong on some mixtures: the same seed gives the same value.
        torch.manual_seed(8);
        var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 3)));
        var g = new Generator(9);
        var batches = new[] { new Batch(randn(new long[] { 90, 4 }, generator: g), randint(0, 3, new long[] { 90 }, generator: g)) };
        var first = LabelwiseMixup.Compute(model, batches, seed: 4, microBatch: 16);
        Assert.Equal(first, LabelwiseMixup.Compute(model, batches, seed: 4, microBatch: 16));
        Assert.InRange(first.Accuracy, 0, 1);
        Assert.True(first.ForwardPasses >= 3 * 4, $"{first.ForwardPasses} forward passes: mixtures go in parts of at most 16");
    }

    [Fact]
    public void The_family_gives_the_product_and_a_study_gets_every_batch_its_own_values()
    {
        torch.manual_seed(3);
        var model = Sequential(("fc1", Linear(4, 8)), ("relu", ReLU()), ("fc2", Linear(8, 3)));
        var g = new Generator(4);
        var batches = Enumerable.Range(0, 2).Select(_ => new Batch(randn(new long[] { 40, 4 }, generator: g), randint(0, 3, new long[] { 40 }, generator: g))).ToArray();
        var context = new MeasureContext { Model = model, Loss = LossFunctions.CrossEntropy, Batches = batches, Seed = 12 };
        var values = RepresentationFamily.Instance.Compute(context);
        double Get(IReadOnlyList<MeasureValue> vs, string name) => vs.Single(v => v.Name == name).Value!.Value;
        Assert.Equal(Get(values, "davies_bouldin") * (1 - Get(values, "mixup_accuracy")), Get(values, "db_mixup"), 12);
        Assert.Equal(LabelwiseMixup.Compute(model, batches, 12).Accuracy, Get(values, "mixup_accuracy"), 12);
        Assert.All(values, v => Assert.True(v.Seconds > 0 && v.ForwardPasses > 0, v.Name));

        // The study: per analysed batch, seeded per batch as every family is (seed·1000 + 700 + batch).
        var analysis = new StudyAnalysis(40, 2, 1, 5, 0.5, -0.6, 100, 9);
        string[] asked = { "davies_bouldin", "mixup_accuracy", "db_mixup", "nuclear_norm", "mano" };
        var (study, _, _) = StudyMeasuring.Compute(model, LossFunctions.CrossEntropy, batches, analysis, asked, new StudyMeasureInputs(null, null), _ => { }, "test");
        for (int b = 0; b < 2; b++)
        {
            var one = new[] { batches[b] };
            var expected = Representations.Compute(model, one, new RepresentationOptions { Seed = 9 * 1000 + 700 + b })
                .Concat(NuclearNorm.Compute(model, one)).Concat(MaNo.Compute(model, one)).ToArray();
            foreach (string name in asked) Assert.Equal(Get(expected, name), study[name][b].Single()!.Value, 12);
        }
    }
}
