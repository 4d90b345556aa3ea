using Lla.Data;
using Lla.Measures;
using Lla.Tests.Support;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Measures;

/// <summary>
/// The Davies–Bouldin index against hand computations and an independent brute-force formula, and the
/// representation it is taken of (the layer, its pooling, refusals). Tolerances: 1e-12 where the value is a
/// handful of float64 operations on exact inputs; 1e-10 relative against the brute force, which sums the
/// same distances in another order.
/// </summary>
public class DaviesBouldinTests
{
    public DaviesBouldinTests() => TestTorch.Init();

    private static Tensor Points(double[,] xy) => tensor(xy, dtype: ScalarType.Float64);

    // Class 0: (0,0), (2,0): centroid (1,0), S0 = 1. Class 1: (10,0), (10,4): centroid (10,2), S1 = 2.
    // Class 2: (0,10), (0,12), (0,14): centroid (0,12), S2 = (2 + 0 + 2)/3 = 4/3.
    private static readonly double[,] Three = { { 0, 0 }, { 2, 0 }, { 10, 0 }, { 10, 4 }, { 0, 10 }, { 0, 12 }, { 0, 14 } };
    private static readonly long[] ThreeLabels = { 0, 0, 1, 1, 2, 2, 2 };

    /// <summary>DB by its definition, in plain loops over arrays: an implementation independent of the tensor one.</summary>
    private static double BruteForce(double[][] x, long[] labels)
    {
        var classes = labels.Distinct().OrderBy(c => c).ToArray();
        int d = x[0].Length;
        var centroid = classes.Select(c =>
        {
            var members = x.Where((_, i) => labels[i] == c).ToArray();
            return Enumerable.Range(0, d).Select(k => members.Average(p => p[k])).ToArray();
        }).ToArray();
        double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b).Sum(t => (t.First - t.Second) * (t.First - t.Second)));
        var s = classes.Select((c, k) => x.Where((_, i) => labels[i] == c).Average(p => Distance(p, centroid[k]))).ToArray();
        return Enumerable.Range(0, classes.Length)
            .Average(i => Enumerable.Range(0, classes.Length).Where(j => j != i).Max(j => (s[i] + s[j]) / Distance(centroid[i], centroid[j])));
    }

    [Fact]
    public void Two_and_three_classes_match_the_hand_computation()
    {
        // Two classes: R0 = R1 = (S0 + S1)/M01 = 3/√85.
        var two = Points(new double[,] { { 0, 0 }, { 2, 0 }, { 10, 0 }, { 10, 4 } });
        Assert.Equal(3 / Math.Sqrt(85), DaviesBouldin.Index(two, tensor(new long[] { 0, 0, 1, 1 }), 2), 12);

        // Three: M02 = √145, M12 = √200. R0 = max(3/√85, (7/3)/√145) = 3/√85; R1 = max(3/√85, (10/3)/√200) = 3/√85;
        // R2 = max((7/3)/√145, (10/3)/√200) = (10/3)/√200. DB = (2·3/√85 + (10/3)/√200)/3.
        Assert.True((7.0 / 3) / Math.Sqrt(145) < 3 / Math.Sqrt(85) && (10.0 / 3) / Math.Sqrt(200) < 3 / Math.Sqrt(85));
        Assert.True((7.0 / 3) / Math.Sqrt(145) < (10.0 / 3) / Math.Sqrt(200));
        double expected = (2 * 3 / Math.Sqrt(85) + (10.0 / 3) / Math.Sqrt(200)) / 3;
        Assert.Equal(expected, DaviesBouldin.Index(Points(Three), tensor(ThreeLabels), 3), 12);

        // In two chunks (as the model's batches come), the same.
        using var db = new DaviesBouldin(3, 2);
        var x = Points(Three);
        var y = tensor(ThreeLabels);
        foreach (var (start, length) in new[] { (0L, 3L), (3L, 4L) }) db.AddToCentroids(x.narrow(0, start, length), y.narrow(0, start, length));
        foreach (var (start, length) in new[] { (0L, 5L), (5L, 2L) }) db.AddToSpreads(x.narrow(0, start, length), y.narrow(0, start, length));
        Assert.Equal(expected, db.Index(), 12);
    }

    [Fact]
    public void Random_points_match_a_brute_force_formula_and_absent_classes_are_left_out()
    {
        var g = new Generator(11);
        var x = randn(new long[] { 60, 5 }, dtype: ScalarType.Float64, generator: g);
        // Labels 0, 2, 3, 5 only (of 6): the absent classes 1 and 4 are no clusters; shifted centroids.
        var labels = Enumerable.Range(0, 60).Select(i => (long)new[] { 0, 2, 3, 5 }[i % 4]).ToArray();
        x = x + tensor(labels.Select(l => (double)l).ToArray()).unsqueeze(1) * 0.7;
        var rows = Enumerable.Range(0, 60).Select(i => x[i].data<double>().ToArray()).ToArray();
        double expected = BruteForce(rows, labels);
        double actual = DaviesBouldin.Index(x, tensor(labels), 6);
        Assert.Equal(expected, actual, expected * 1e-10);
    }

    [Fact]
    public void Degenerate_data_gives_nan_with_one_class_and_zero_when_every_class_is_a_single_point()
    {
        Assert.True(double.IsNaN(DaviesBouldin.Index(Points(new double[,] { { 0, 0 }, { 1, 1 } }), tensor(new long[] { 1, 1 }), 2)));
        // S_i = 0 for every class: 0 (scikit-learn's convention).
        Assert.Equal(0, DaviesBouldin.Index(Points(new double[,] { { 0, 0 }, { 1, 1 }, { 1, 1 } }), tensor(new long[] { 0, 1, 1 }), 2));
    }

    // fc1 is the identity: its outputs are the inputs, so the representation's DB is the hand-computed one.
    private static Module<Tensor, Tensor> IdentityFirst()
    {
        var model = Sequential(("fc1", Linear(2, 2)), ("relu", ReLU()), ("fc2", Linear(2, 3)));
        model.to(ScalarType.Float64);
        using (no_grad())
        {
            var fc1 = (TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "fc1").module;
            fc1.weight!.copy_(eye(2, dtype: ScalarType.Float64));
            fc1.bias!.zero_();
        }
        return model;
    }

    [Fact]
    public void The_default_layer_is_the_first_linear_or_convolution_and_a_named_layer_is_used()
    {
        torch.manual_seed(4);
        var model = IdentityFirst();
        model.train();
        var batches = new[] { new Batch(Points(Three).narrow(0, 0, 4), tensor(new long[] { 0, 0, 1, 1 })) };
        var values = Representations.Compute(model, batches);
        var db = values.Single(v => v.Name == "davies_bouldin");
        Assert.Equal(3 / Math.Sqrt(85), db.Value!.Value, 12);
        Assert.Equal("layer fc1", db.Reason);
        Assert.Equal(1 + 2, db.ForwardPasses); // the one-sample trace, then the centroids' and the distances' passes
        Assert.True(model.training, "the model's mode must be restored");

        // fc2: DB of the outputs, computed here from the model's own outputs by the brute force.
        var named = Representations.Compute(model, batches, new RepresentationOptions { Layer = "fc2" });
        double[][] outputs;
        using (no_grad()) outputs = Enumerable.Range(0, 4).Select(i => model.call(batches[0].Inputs)[i].data<double>().ToArray()).ToArray();
        double expected = BruteForce(outputs, new long[] { 0, 0, 1, 1 });
        Assert.Equal(expected, named.Single(v => v.Name == "davies_bouldin").Value!.Value, expected * 1e-10);
        Assert.Equal("layer fc2", named.Single(v => v.Name == "davies_bouldin").Reason);
    }

    [Fact]
    public void A_feature_map_is_max_pooled_over_four_by_four_windows_before_flattening()
    {
        // A 1×1 convolution of weight 1: the feature map is the 8×8 input; pooling keeps each 4×4 block's maximum.
        var conv = Conv2d(1, 1, 1);
        var model = Sequential(("conv", conv), ("flat", Flatten()), ("fc", Linear(64, 2)));
        model.to(ScalarType.Float64);
        using (no_grad()) { conv.weight!.fill_(1); conv.bias!.zero_(); }
        var g = new Generator(5);
        var inputs = randn(new long[] { 12, 1, 8, 8 }, dtype: ScalarType.Float64, generator: g);
        var labels = Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray();
        var pooled = Enumerable.Range(0, 12).Select(n =>
        {
            var image = inputs[n, 0].data<double>().ToArray();
            return new[] { (0, 0), (0, 4), (4, 0), (4, 4) }.Select(b =>
                Enumerable.Range(0, 16).Max(k => image[(b.Item1 + k / 4) * 8 + b.Item2 + k % 4])).ToArray();
        }).ToArray();
        double expected = BruteForce(pooled, labels);
        var values = Representations.Compute(model, new[] { new Batch(inputs, tensor(labels)) });
        Assert.Equal(expected, values.Single(v => v.Name == "davies_bouldin").Value!.Value, expected * 1e-10);
        Assert.Equal("layer conv", values.Single(v => v.Name == "davies_bouldin").Reason);
    }

    [Fact]
    public void An_unknown_layer_and_labels_that_are_not_class_indices_are_refused_in_one_line()
    {
        var model = IdentityFirst();
        var batches = new[] { new Batch(Points(Three), tensor(ThreeLabels)) };
        var e = Assert.Throws<LlaException>(() => Representations.Compute(model, batches, new RepresentationOptions { Layer = "fc9" }));
        Assert.Equal("unknown layer 'fc9' for the representation measures (layers: fc1, relu, fc2)", e.Message);
        // A language model's next tokens [N, T] are no class labels.
        var tokens = new[] { new Batch(Points(Three), zeros(new long[] { 7, 3 }, dtype: ScalarType.Int64)) };
        var labels = Assert.Throws<LlaException>(() => Representations.Compute(model, tokens));
        Assert.Contains("class indices [batch] (int64)", labels.Message);
        var negative = new[] { new Batch(Points(Three), tensor(new long[] { 0, 0, 1, 1, -100, 2, 2 })) };
        var ignored = Assert.Throws<LlaException>(() => Representations.Compute(model, negative));
        Assert.Contains("class indices ≥ 0 (found -100)", ignored.Message);
        Assert.DoesNotContain('\n', e.Message + labels.Message + ignored.Message);
    }
}
