using Lla.Models;
using Lla.Tests.Support;

namespace Lla.Tests.Training;

/// <summary>`lla train` killed after an epoch and resumed reaches the weights of an uninterrupted run, bit for bit.</summary>
public class TrainResumeTests
{
    [Fact]
    public void A_training_killed_after_an_epoch_resumes_to_identical_weights()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), killed = Path.Combine(dir, "killed.bin"), whole = Path.Combine(dir, "whole.bin");
        string[] args = { "train", "--model", "mlp", "--epochs", "3", "--optimizer", "sgd", "--lr", "0.05", "--threads", "2" };
        Assert.True(ProcessRunner.KillWhenFileHasLines("dotnet", new[] { LlaProcess.CliDll }.Concat(args).Concat(new[] { "--save", killed }),
            killed + ".resume.json", 3), "the training finished before it could be killed");
        Assert.False(File.Exists(killed));

        var resumed = LlaProcess.Run(args.Concat(new[] { "--save", killed, "--resume" }).ToArray());
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming after epoch", resumed.Stdout);
        Assert.False(File.Exists(killed + ".resume.json")); // a finished training removes its resume point
        var fresh = LlaProcess.Run(args.Concat(new[] { "--save", whole }).ToArray());
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);

        var a = TensorFile.Read(killed);
        var b = TensorFile.Read(whole);
        Assert.Equal(b.Keys.OrderBy(k => k), a.Keys.OrderBy(k => k));
        foreach (var (name, t) in b) Assert.True(t.eq(a[name]).all().item<bool>(), $"{name} differs");
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(killed + ".json"))!;
        Assert.Equal(3, record["epochs"]!.AsArray().Count);

        var again = LlaProcess.Run(args.Concat(new[] { "--save", killed, "--resume" }).ToArray());
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("has no interrupted training", again.Stderr);
    }
}
