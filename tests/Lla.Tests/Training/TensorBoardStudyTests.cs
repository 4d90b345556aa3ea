using System.Text.Json.Nodes;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Training;

/// <summary>A study with a TensorBoard folder: each model it trains logs into its own run folder DIR/NAME.</summary>
public class TensorBoardStudyTests
{
    [Fact]
    public void Each_trained_model_of_a_study_logs_its_epochs_in_its_own_run_folder()
    {
        TestTorch.Init();
        var config = StudyConfig.Parse(JsonNode.Parse("""
            { "name": "tb", "analysis": { "batch_size": 64, "batches": 1, "slq_runs": 1, "lanczos_steps": 4, "bootstrap": 100 },
              "models": [ { "name": "a", "model": "mlp", "optimizer": "sgd", "epochs": 1, "seed": 1 },
                          { "name": "random", "model": "mlp", "epochs": 0, "seed": 1 } ] }
            """), "test");
        string dir = Paths.NewTempFolder(), board = Path.Combine(dir, "tb");
        var results = StudyRun.Execute(new StudyRunOptions(config, Path.Combine(dir, "study")) { TensorBoard = board });

        Assert.Equal(new[] { "a" }, Directory.GetDirectories(board).Select(Path.GetFileName)); // the reference model is not trained
        var events = Directory.GetFiles(Path.Combine(board, "a")).SelectMany(TensorBoardEventFile.Read).ToList();
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "study", "models", "a.bin.json")))!;
        Assert.Equal(Path.GetFullPath(Path.Combine(board, "a")), record["tensorboard"]!.GetValue<string>());
        var epoch = record["epochs"]![0]!;
        var logged = events.SelectMany(e => e.Values.Select(v => (e.Step, v.Tag, v.SimpleValue))).ToList();
        Assert.Equal(4, logged.Count);
        Assert.Contains((1L, "loss/train", (float?)(float)epoch["train_loss"]!.GetValue<double>()), logged);
        Assert.Contains((1L, "accuracy/test", (float?)(float)epoch["test_accuracy"]!.GetValue<double>()), logged);
        Assert.Equal(Path.GetFullPath(board), JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "study", StudyResults.FileName)))!["meta"]!["tensorboard"]!.GetValue<string>());
    }
}
