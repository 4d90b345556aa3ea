using Lla.Connectivity;
using Lla.Objectives;
using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Connectivity;

/// <summary>
/// Weight matching on the zoo's architectures. Models are trained briefly (see <see cref="TrainedModels"/>): an MLP
/// for 3 epochs on 2,000 images, LeNet for 1 epoch on 1,000, ResNet-20 for 2 epochs on 128 images pooled to 8×8 (its
/// cost grows with the image area; a few Adam steps are enough for a loss landscape that is not flat, which the
/// unaligned barrier needs).
/// </summary>
public class WeightMatchingTests
{
    private readonly ITestOutputHelper _output;

    public WeightMatchingTests(ITestOutputHelper output)
    {
        TestTorch.Init();
        _output = output;
    }

    private static nn.Module<Tensor, Tensor> Trained(string name) => name switch
    {
        "mlp" => TrainedModels.Get("mlp", seed: 1, epochs: 3, samples: 2000),
        "lenet" => TrainedModels.Get("lenet", seed: 1, epochs: 1, samples: 1000),
        _ => TrainedModels.Get("resnet20", seed: 1, epochs: 2, samples: 128, size: 8),
    };

    private static int ImageSize(string name) => name == "resnet20" ? 8 : 28;

    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet")]
    [InlineData("resnet20")]
    public void A_randomly_permuted_copy_computes_the_same_function_and_matching_recovers_the_inverse(string name)
    {
        var a = Trained(name);
        var spec = PermutationSpecs.For(a);
        using var stateA = ModelState.Of(a);
        var sigma = spec.Random(seed: 17);
        Assert.Contains(sigma.Values, p => !p.SequenceEqual(Enumerable.Range(0, p.Length))); // not the identity
        using var permuted = spec.Apply(stateA, sigma);
        var b = TrainedModels.Copy(name, permuted, size: ImageSize(name));

        // 1. Same function: the units only changed places (float64; 1e-5 is the issue's bound, rounding is ~1e-13).
        var x = TrainedModels.Images(false, ImageSize(name)).Inputs.narrow(0, 0, 32);
        double difference;
        using (no_grad()) difference = (a.forward(x) - b.forward(x)).abs().max().ToDouble();
        _output.WriteLine($"{name}: max logit difference {difference:E2}");
        Assert.True(difference <= 1e-5, $"logits differ by {difference}");
        // ... while the weights did change.
        Assert.Contains(stateA.Names, n => !stateA[n].eq(permuted[n]).all().ToBoolean());

        // 2. Weight matching finds σ⁻¹ for every group, and the aligned B is A entry by entry.
        var matching = WeightMatching.Align(a, b, new WeightMatchingOptions(Seed: 3));
        var inverse = PermutationSpec.Inverse(sigma);
        foreach (var g in spec.Groups) Assert.Equal(inverse[g.Name], matching.Permutations[g.Name]);
        Assert.True(matching.Converged);
        foreach (var (n, value) in stateA.Entries) Assert.True(value.eq(matching.AlignedB[n]).all().ToBoolean(), n);
        Assert.True(matching.FinalInner > matching.InitialInner);

        // 3. Barriers: 0 after alignment, positive before (BatchNorm statistics recomputed at each point).
        var data = new PathData(TrainedModels.Batches(true, 64, 64, ImageSize(name)), TrainedModels.Batches(false, 32, 32, ImageSize(name)), LossFunctions.CrossEntropy);
        var options = new PathOptions { Points = 3 };
        var unaligned = LinearPath.Evaluate(a, b, data, options);
        var aligned = LinearPath.Evaluate(a, PathEnds.AlignedWith(a, matching), data, options);
        _output.WriteLine($"{name}: unaligned barrier {unaligned.TrainBarrier:F4}, aligned {aligned.TrainBarrier:E2}, losses {string.Join(" ", unaligned.TrainLoss.Select(l => l.ToString("F3")))}");
        Assert.True(aligned.Aligned);
        Assert.True(Math.Abs(aligned.TrainBarrier) <= 1e-5 && Math.Abs(aligned.TestBarrier) <= 1e-5, $"aligned barrier {aligned.TrainBarrier}");
        Assert.True(unaligned.TrainBarrier > 0.05, $"unaligned barrier {unaligned.TrainBarrier}");
    }

    [Fact]
    public void Aligning_two_independently_trained_mlps_lowers_the_barrier()
    {
        var a = TrainedModels.Get("mlp", seed: 1, epochs: 3, samples: 2000);
        var b = TrainedModels.Get("mlp", seed: 2, epochs: 3, samples: 2000);
        var matching = WeightMatching.Align(a, b);
        var data = new PathData(TrainedModels.Batches(true, 2000, 500), TrainedModels.Batches(false, 500, 500), LossFunctions.CrossEntropy);
        var options = new PathOptions { Points = 11 };
        var unaligned = LinearPath.Evaluate(a, b, data, options);
        var aligned = LinearPath.Evaluate(a, PathEnds.AlignedWith(a, matching), data, options);
        _output.WriteLine($"unaligned barrier {unaligned.TrainBarrier:F4} (test {unaligned.TestBarrier:F4}), aligned {aligned.TrainBarrier:F4} (test {aligned.TestBarrier:F4}); rounds {matching.Rounds}, inner {matching.InitialInner:F2} → {matching.FinalInner:F2}");
        // The aligned B computes B's function: same end losses.
        Assert.True(Math.Abs(aligned.TrainLoss[^1] - unaligned.TrainLoss[^1]) <= 1e-10);
        Assert.True(aligned.TrainBarrier < unaligned.TrainBarrier);
        Assert.True(aligned.TestBarrier < unaligned.TestBarrier);
    }

    [Fact]
    public void Unsupported_architectures_are_refused_with_the_known_ones_named()
    {
        var model = nn.Sequential(("fc", nn.Linear(3, 2)));
        var e = Assert.Throws<LlaException>(() => PermutationSpecs.For(model));
        Assert.Contains("no permutation spec", e.Message);
        Assert.Contains(PermutationSpecs.Known, e.Message);
    }

    [Fact]
    public void A_spec_that_does_not_fit_the_model_is_refused()
    {
        var a = Trained("mlp");
        using var state = ModelState.Of(a);
        var wrong = new PermutationSpec("mlp", new[] { new PermutationGroup("fc1", 7, new[] { new PermutedAxis("fc1.weight", 0) }) });
        var e = Assert.Throws<LlaException>(() => wrong.Validate(state));
        Assert.Contains("fc1.weight", e.Message);
    }
}
