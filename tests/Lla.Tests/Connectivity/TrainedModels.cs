using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Connectivity;

/// <summary>
/// Small models trained briefly on the embedded Fashion-MNIST subset (float64), shared by the connectivity tests
/// and built once per test run.
/// </summary>
public static class TrainedModels
{
    public const int TrainSamples = 2000;
    public const int TestSamples = 500;

    private static readonly Lazy<(Dataset Train, Dataset Test)> Data = new(() =>
    {
        TestTorch.Init();
        using var train = IdxDataset.Load(Paths.EmbeddedData, Split.Train);
        using var test = IdxDataset.Load(Paths.EmbeddedData, Split.Test);
        return (Subset(train, TrainSamples), Subset(test, TestSamples));
    });

    private static Dataset Subset(Dataset data, int count) =>
        new(data.Inputs.narrow(0, 0, count).to(ScalarType.Float64).DetachFromDisposeScope(),
            data.Labels.narrow(0, 0, count).clone().DetachFromDisposeScope(), data.Description + $" (first {count})", numClasses: 10);

    /// <summary>The same images average-pooled to 8×8 (for ResNet-20, whose cost grows with the image area).</summary>
    private static readonly Lazy<(Dataset Train, Dataset Test)> Small = new(() => (Pooled(Data.Value.Train), Pooled(Data.Value.Test)));

    private static Dataset Pooled(Dataset data) =>
        new(nn.functional.adaptive_avg_pool2d(data.Inputs, 8).DetachFromDisposeScope(), data.Labels, data.Description + " at 8×8", numClasses: 10);

    public static Dataset Train => Data.Value.Train;
    public static Dataset Test => Data.Value.Test;

    /// <summary>The training or test subset at 28×28 (the files' size) or 8×8.</summary>
    public static Dataset Images(bool train, int size = 28) => size switch
    {
        28 => train ? Train : Test,
        8 => train ? Small.Value.Train : Small.Value.Test,
        _ => throw new ArgumentException("image size 28 or 8"),
    };

    /// <summary>Batches of the first <paramref name="samples"/> training (or test) samples, in file order.</summary>
    public static List<Batch> Batches(bool train, int samples, int batchSize, int size = 28)
    {
        var data = Images(train, size);
        var list = new List<Batch>();
        for (int start = 0; start < samples; start += batchSize)
        {
            int count = Math.Min(batchSize, samples - start);
            list.Add(new Batch(data.Inputs.narrow(0, start, count), data.Labels.narrow(0, start, count)));
        }
        return list;
    }

    private static readonly Dictionary<string, Lla.Connectivity.ModelState> Cache = new();

    /// <summary>
    /// A model of the zoo (mlp with one hidden layer of <paramref name="hidden"/> units, lenet or resnet20) initialized
    /// with <paramref name="seed"/> and trained for <paramref name="epochs"/> epochs of Adam on the first
    /// <paramref name="samples"/> training images, float64, in eval mode. Trained once per test run; each call returns
    /// a new instance (tests run in parallel and paths use their model A as the workspace).
    /// </summary>
    public static nn.Module<Tensor, Tensor> Get(string name, long seed, int epochs, int samples, int hidden = 32, double lr = 1e-3, int size = 28)
    {
        string key = $"{name}/{seed}/{epochs}/{samples}/{hidden}/{lr}/{size}";
        Lla.Connectivity.ModelState? state;
        lock (Cache)
        {
            if (!Cache.TryGetValue(key, out state))
            {
                var model = ModelZoo.Create(new ModelSpec(name, new long[] { 1, size, size }, 10, new[] { hidden }));
                model.to(ScalarType.Float64);
                Initialize(model, seed);
                var (trainImages, testImages) = (Images(true, size), Images(false, size));
                var train = new Dataset(trainImages.Inputs.narrow(0, 0, samples), trainImages.Labels.narrow(0, 0, samples), "subset", 10);
                var test = new Dataset(testImages.Inputs.narrow(0, 0, 100), testImages.Labels.narrow(0, 0, 100), "subset", 10);
                // float64: the float32 oneDNN gradient hazard (TORCHSHARP-NOTES.md) does not apply.
                Trainer.Train(model, train, test, new TrainOptions { Epochs = epochs, BatchSize = 64, LearningRate = lr, Seed = seed },
                    LossFunctions.CrossEntropy);
                Cache[key] = state = Lla.Connectivity.ModelState.Of(model);
            }
        }
        return Copy(name, state, hidden, size);
    }

    /// <summary>
    /// Draws the weights of every layer with ≥ 2-D weights, and its bias, uniformly in ±1/√fan_in (PyTorch's default
    /// bounds) from a generator of its own: tests run in parallel, so torch.manual_seed would race with other tests.
    /// BatchNorm weights and biases keep their 1 and 0.
    /// </summary>
    public static void Initialize(nn.Module model, long seed)
    {
        var g = new Generator((ulong)seed);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var _ = no_grad();
        foreach (var (name, p) in parameters)
        {
            string weightName = name.EndsWith(".bias") ? name[..^"bias".Length] + "weight" : name;
            if (!parameters.TryGetValue(weightName, out var weight) || weight.dim() < 2) continue;
            double bound = 1 / Math.Sqrt(weight.shape.Skip(1).Aggregate(1L, (x, y) => x * y));
            p.uniform_(-bound, bound, generator: g);
        }
    }

    /// <summary>A fresh model of the zoo with the given state loaded.</summary>
    public static nn.Module<Tensor, Tensor> Copy(string name, Lla.Connectivity.ModelState state, int hidden = 32, int size = 28)
    {
        var model = ModelZoo.Create(new ModelSpec(name, new long[] { 1, size, size }, 10, new[] { hidden }));
        model.to(ScalarType.Float64);
        state.LoadInto(model);
        model.eval();
        return model;
    }
}
