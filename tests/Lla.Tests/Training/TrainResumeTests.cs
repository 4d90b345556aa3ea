using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>A training interrupted after an epoch and resumed reaches the weights of an uninterrupted run, bit for bit (in-process).</summary>
public class TrainResumeTests
{
    private sealed class Interrupted : Exception;

    private static TrainRunOptions Options(string save, bool resume = false) => new()
    {
        // `lla train --model mlp --epochs 3 --optimizer sgd --lr 0.05` with its other defaults.
        Source = ModelSource.Resolve("mlp", ModelSource.RandomWeights, "idx:" + Paths.EmbeddedData, "float32", 42),
        Training = new TrainOptions { Epochs = 3, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, BatchSize = 64, Seed = 42 },
        Save = save,
        Resume = resume,
    };

    [Fact]
    public void A_training_interrupted_after_an_epoch_resumes_to_identical_weights()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), cut = Path.Combine(dir, "cut.bin"), whole = Path.Combine(dir, "whole.bin");
        // Stopped right after epoch 1 is saved as the resume point (the line is said after that).
        Assert.Throws<Interrupted>(() => TrainRun.Execute(Options(cut), line => { if (line.StartsWith("epoch 1/3")) throw new Interrupted(); }));
        Assert.True(TrainingProgress.Exists(cut));
        Assert.False(File.Exists(cut));

        var said = new List<string>();
        TrainRun.Execute(Options(cut, resume: true), said.Add);
        Assert.Contains(said, l => l.StartsWith("resuming after epoch 1 of 3"));
        Assert.False(File.Exists(cut + ".resume.json")); // a finished training removes its resume point
        TrainRun.Execute(Options(whole));

        var a = TensorFile.Read(cut);
        var b = TensorFile.Read(whole);
        Assert.Equal(b.Keys.OrderBy(k => k), a.Keys.OrderBy(k => k));
        foreach (var (name, t) in b) Assert.True(t.eq(a[name]).all().item<bool>(), $"{name} differs");
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(cut + ".json"))!;
        Assert.Equal(3, record["epochs"]!.AsArray().Count);

        Assert.Contains("has no interrupted training", Assert.Throws<LlaException>(() => TrainRun.Execute(Options(cut, resume: true))).Message);
    }
}
