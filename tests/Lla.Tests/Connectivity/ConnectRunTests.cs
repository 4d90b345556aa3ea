using Lla.Objectives;
using System.Text.Json.Nodes;
using Lla.Connectivity;
using Lla.Models;
using Lla.Runs;
using Lla.Tests.Support;

namespace Lla.Tests.Connectivity;

/// <summary>`lla connect`'s job end to end on two tiny MLPs (float64): paths, checkpoints, results.json, resumption.</summary>
public class ConnectRunTests
{
    public ConnectRunTests() => TestTorch.Init();

    private static ConnectRunOptions Options(string outDir, PathMethod method, PathAlignment align) => new()
    {
        Source = new ModelSource("mlp", ConnectFixture.A, ConnectFixture.Data, ScalarType.Float64, Seed: 5),
        To = ConnectFixture.B,
        OutDir = outDir,
        Method = method,
        Align = align,
        Points = 5,
        Epochs = 3,
        LearningRate = 0.05,
        BatchSize = 16,
    };

    private static nn.Module<Tensor, Tensor> Load(string weights)
    {
        var model = ConnectFixture.NewMlp();
        model.to(ScalarType.Float64);
        WeightsLoader.Load(model, weights);
        model.eval();
        return model;
    }

    [Fact]
    public void Aligned_bezier_run_writes_three_paths_two_loadable_checkpoints_and_the_documented_results()
    {
        string dir = Path.Combine(Paths.NewTempFolder(), "run");
        var results = ConnectRun.Execute(Options(dir, PathMethod.Bezier, PathAlignment.Weights));

        var paths = results.Paths!;
        Assert.Equal(new[] { ("linear", false), ("linear", true), ("bezier", true) }, paths.Select(p => (p.Method, p.Aligned)));
        Assert.All(paths, p => Assert.Equal(new[] { 0, 0.25, 0.5, 0.75, 1 }, p.T));
        Assert.All(paths, p => Assert.True(p.TrainBarrier >= 0 && p.TestBarrier >= 0));
        // Every path starts at A exactly; the aligned ones end at the aligned B exactly, which computes B's function.
        Assert.All(paths, p => Assert.Equal(paths[0].TrainLoss[0], p.TrainLoss[0]));
        Assert.Equal(paths[1].TrainLoss[^1], paths[2].TrainLoss[^1]);
        Assert.Equal(paths[0].TrainLoss[^1], paths[1].TrainLoss[^1], 1e-10); // float64 sums in another order
        Assert.Equal(paths[0].TestLoss[^1], paths[1].TestLoss[^1], 1e-10);

        // aligned-b.bin loads like any weights file and computes B's logits.
        var x = randn(new long[] { 10, 1, 4, 4 }, dtype: ScalarType.Float64, generator: new Generator(3));
        var aligned = Load(Path.Combine(dir, ConnectRun.AlignedFile));
        Assert.True(aligned.forward(x).allclose(Load(ConnectFixture.B).forward(x), rtol: 0, atol: 1e-10));
        Assert.False(File.ReadAllBytes(Path.Combine(dir, ConnectRun.AlignedFile)).SequenceEqual(File.ReadAllBytes(ConnectFixture.B)));
        // bend.bin loads too; the trained bend has left the midpoint.
        var bend = Load(Path.Combine(dir, ConnectRun.BendFile));
        Assert.Equal(3 * 5, results.Connect!.Curve!.Steps); // 72 samples in batches of 16: 5 steps an epoch
        Assert.Equal(3, results.Connect.Curve.EpochLosses.Count);
        Assert.False(BendProgress.Exists(dir));
        Assert.False(File.Exists(Path.Combine(dir, RunLock.FileName)));

        // The plane through A (0, 0), B (1, 0) and the bend (0, 1), the curve on it; A and B are grid points whose losses
        // are the paths' end losses (the plane takes the first 2048 training samples: all 72 here).
        var plane = results.Landscapes.Single();
        Assert.Equal((0.0, 0.0), (plane.Path!.Alphas[0], plane.Path.Betas[0]));
        Assert.Equal((1.0, 0.0), (plane.Path.Alphas[^1], plane.Path.Betas[^1]));
        Assert.Equal((0.25, 0.5), (plane.Path.Alphas[20], plane.Path.Betas[20])); // Bezier at t = 1/2: (t², 2t(1 − t))
        int a0 = plane.Alphas.ToList().IndexOf(0.0), a1 = plane.Alphas.ToList().IndexOf(1.0), b0 = plane.Betas.ToList().IndexOf(0.0);
        Assert.Equal(paths[0].TrainLoss[0], plane.Loss[b0][a0], 1e-9);
        Assert.Equal(paths[2].TrainLoss[^1], plane.Loss[b0][a1], 1e-9);
        Assert.True(File.Exists(Path.Combine(dir, plane.DirectionsFile!)));

        // results.json: the documented keys, written by the one serializer and read back equal.
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ResultsSerializer.ResultsFile)))!.AsObject();
        Assert.Equal("connect", (string)node["command"]!);
        Assert.Equal(5L, (long)node["seed"]!);
        Assert.Equal("bezier", (string)node["options"]!["method"]!);
        Assert.NotEmpty(node["versions"]!.AsObject());
        Assert.Equal(ConnectRun.AlignedFile, (string)node["connect"]!["aligned_checkpoint"]!);
        Assert.Equal(ConnectRun.BendFile, (string)node["connect"]!["bend_checkpoint"]!);
        foreach (var key in new[] { "method", "aligned", "t", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "train_barrier", "test_barrier" })
            Assert.True(node["paths"]![2]!.AsObject().ContainsKey(key), key);
        var read = ResultsSerializer.ReadRun(dir);
        Assert.Equal(paths[2].TrainLoss, read.Paths![2].TrainLoss);
        Assert.Equal(paths[1].TestBarrier, read.Paths[1].TestBarrier);
    }

    [Fact]
    public void An_interrupted_bend_training_resumed_gives_the_bend_of_an_uninterrupted_run()
    {
        string root = Paths.NewTempFolder();
        string whole = Path.Combine(root, "whole"), cut = Path.Combine(root, "cut");
        var uninterrupted = ConnectRun.Execute(Options(whole, PathMethod.Chain, PathAlignment.None));

        // Stopped during the second epoch: the first epoch's bend is on disk, no results.
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => ConnectRun.Execute(Options(cut, PathMethod.Chain, PathAlignment.None),
            p => { if (p.Stage == "curve training" && p.Done == 7) cancel.Cancel(); }, cancel.Token));
        Assert.True(BendProgress.Exists(cut));
        Assert.False(File.Exists(Path.Combine(cut, ResultsSerializer.ResultsFile)));

        // Without --resume the folder is refused; with other settings the resumption is refused, naming the setting.
        Assert.Contains("{resume}", Assert.Throws<LlaException>(() => ConnectRun.Execute(Options(cut, PathMethod.Chain, PathAlignment.None))).Template);
        var changed = Options(cut, PathMethod.Chain, PathAlignment.None) with { Resume = true, LearningRate = 0.1 };
        Assert.Contains("{lr}", Assert.Throws<LlaException>(() => ConnectRun.Execute(changed)).Template);

        var resumed = ConnectRun.Execute(Options(cut, PathMethod.Chain, PathAlignment.None) with { Resume = true });
        Assert.Equal(5, resumed.Connect!.Curve!.StepsResumed);
        Assert.True(File.ReadAllBytes(Path.Combine(whole, ConnectRun.BendFile)).SequenceEqual(File.ReadAllBytes(Path.Combine(cut, ConnectRun.BendFile))));
        Assert.Equal(uninterrupted.Connect!.Curve!.EpochLosses, resumed.Connect.Curve.EpochLosses);
        Assert.Equal(uninterrupted.Paths![1].TrainLoss, resumed.Paths![1].TrainLoss);
        Assert.False(BendProgress.Exists(cut));
    }
}
