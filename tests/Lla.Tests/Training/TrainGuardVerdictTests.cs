using Lla.Objectives;
using Lla.Guard;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Models;
using Lla.Tests.Support;
using Lla.Training;
using static TorchSharp.torch;

namespace Lla.Tests.Training;

/// <summary>
/// A guard failure after a training loses nothing (issue 24): the weights are saved with the verdict in
/// FILE.json, the run says which check failed and at which stage, and there is no resume point left.
/// The failure is real: the check compares the model with a twin whose first layer is 30% off.
/// </summary>
public class TrainGuardVerdictTests
{
    public TrainGuardVerdictTests() => TestTorch.Init();

    [Fact]
    public void A_failed_check_after_the_training_saves_the_weights_with_the_verdict()
    {
        string dir = Paths.NewTempFolder(), save = Path.Combine(dir, "m.bin");
        var said = new List<string>();
        var results = TrainRun.Execute(new TrainRunOptions
        {
            Source = ModelSource.Resolve("mlp", ModelSource.RandomWeights, "idx:" + Paths.EmbeddedData, "float32", 3),
            Training = new TrainOptions { Epochs = 1, BatchSize = 4096, Seed = 3 },
            Save = save,
            PostTrainingCheck = (model, twin, loss, batch) =>
            {
                using (no_grad()) twin.parameters().First().mul_(1.3);
                return NumericGuard.Check(model, twin, loss, batch, GuardProbe.Training);
            },
        }, said.Add);

        Assert.NotNull(results.FailedCheck);
        Assert.StartsWith("the numeric guard failed after the training: float32 differs from float64 far beyond rounding (gradient in ", results.FailedCheck);
        Assert.Contains($"the weights are saved in {save} with this verdict in {save}.json", results.FailedCheck);
        Assert.DoesNotContain("analysis", results.FailedCheck);
        Assert.EndsWith("train again with --onednn off or --dtype float64 to be sure of them", results.FailedCheck);
        Assert.DoesNotContain("{", results.FailedCheck);
        Assert.True(File.Exists(save));
        var record = JsonNode.Parse(File.ReadAllText(save + ".json"))!;
        Assert.False(record["numeric_guard"]!["post_check"]!["passed"]!.GetValue<bool>());
        Assert.True(record["numeric_guard"]!["guard"]!["passed"]!.GetValue<bool>());
        Assert.Equal(results.FailedCheck, record["failed_check"]!.GetValue<string>());
        Assert.Single(results.Epochs);
        Assert.False(TrainingProgress.Exists(save));
        Assert.Equal(new[] { "m.bin", "m.bin.init", "m.bin.json" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_passing_check_after_the_training_records_no_failed_check()
    {
        string dir = Paths.NewTempFolder(), save = Path.Combine(dir, "m.bin");
        var results = TrainRun.Execute(new TrainRunOptions
        {
            Source = ModelSource.Resolve("mlp", ModelSource.RandomWeights, "idx:" + Paths.EmbeddedData, "float32", 3),
            Training = new TrainOptions { Epochs = 1, BatchSize = 4096, Seed = 3 },
            Save = save,
        });
        Assert.Null(results.FailedCheck);
        Assert.True(results.NumericGuard!.PostCheck!.Passed);
        Assert.Null(JsonNode.Parse(File.ReadAllText(save + ".json"))!["failed_check"]);
    }
}
