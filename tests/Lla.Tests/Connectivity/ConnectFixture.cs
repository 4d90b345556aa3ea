using Lla.Models;
using Lla.Tests.Models;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Connectivity;

/// <summary>
/// Files for the `lla connect` tests, written once: a tiny classification set (96 samples of 1×4×4, 3 classes given by a
/// fixed linear rule; held out 25 % as the test split: 72 training samples) and the weights of two zoo MLPs (16 → 128 → 3)
/// from different seeded initializations, a LeNet-like file of another architecture and an MLP file with one entry renamed.
/// </summary>
public static class ConnectFixture
{
    public const int TrainSamples = 72;
    private static readonly Lazy<string> Folder = new(Create);

    public static string Work => Folder.Value;
    public static string Data => $"holdout:0.25:npy:{Path.Combine(Work, "x.npy")},{Path.Combine(Work, "y.npy")}";
    public static string A => Path.Combine(Work, "a.bin");
    public static string B => Path.Combine(Work, "b.bin");
    /// <summary>The embedded LeNet's weights: another architecture.</summary>
    public static string OtherArchitecture => Paths.EmbeddedWeights;
    /// <summary>Model B's entries with fc1.weight renamed to layer1.weight (same shapes, other names).</summary>
    public static string Renamed => Path.Combine(Work, "renamed.bin");

    public static nn.Module<Tensor, Tensor> NewMlp() => ModelZoo.Create(new ModelSpec("mlp", new long[] { 1, 4, 4 }, 3));

    private static string Create()
    {
        TestTorch.Init();
        string work = Paths.NewTempFolder();
        var g = new Generator(17);
        var x = randn(new long[] { 96, 1, 4, 4 }, generator: g);
        var w = randn(new long[] { 16, 3 }, generator: g);
        var y = x.reshape(96, 16).matmul(w).argmax(1).to(ScalarType.Int64);
        TorchScriptTests.WriteNpy(Path.Combine(work, "x.npy"), x);
        TorchScriptTests.WriteNpy(Path.Combine(work, "y.npy"), y);
        foreach (var (file, seed) in new[] { ("a.bin", 1L), ("b.bin", 2L) })
        {
            var model = NewMlp();
            TrainedModels.Initialize(model, seed);
            Checkpoint.Save(Path.Combine(work, file), model, null);
        }
        var b = NewMlp();
        WeightsLoader.Load(b, Path.Combine(work, "b.bin"));
        TensorFile.Write(Path.Combine(work, "renamed.bin"),
            b.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key == "fc1.weight" ? "layer1.weight" : kv.Key, kv.Value)));
        return work;
    }
}
