using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Models;
using Lla.Studies;
using Lla.Tests.Support;
using static TorchSharp.torch;

namespace Lla.Tests.Studies;

/// <summary>
/// A model's own <c>train_samples</c> (the study's when it has none): it is trained on the first that-many samples of
/// the training split, measured on them (its "train" accuracy, so its gap, is on what it learnt from), and it is an
/// axis. A config round-trips through config.json; a count larger than the split is refused naming the model.
/// </summary>
public class StudyTrainSamplesTests
{
    private const string Config = """
        { "name": "sizes", "shifts": [], "train_samples": 300, "measures": ["batch_accuracy"],
          "analysis": { "batch_size": 64, "batches": 1, "slq_runs": 1, "lanczos_steps": 4, "bootstrap": 100 },
          "axes": ["train_samples"],
          "models": [
            { "name": "small", "model": "mlp", "epochs": 2, "train_samples": 100, "stop_accuracy": 0.99 },
            { "name": "study", "model": "mlp", "epochs": 1 },
            { "name": "init", "model": "mlp", "epochs": 0 } ] }
        """;

    private static StudyConfig Parse(string json) => StudyConfig.Parse(JsonNode.Parse(json), "sizes.json");

    [Fact]
    public void A_model_without_its_own_count_takes_the_study_s_and_the_config_round_trips()
    {
        var config = Parse(Config);
        Assert.Equal(new int?[] { 100, 300, null }, config.Models.Select(m => m.TrainSamples).ToArray());
        Assert.Equal(new[] { "100", "300", "-" }, config.Models.Select(m => m.AxisValue("train_samples")).ToArray());
        Assert.Equal("all", Parse(Config.Replace("\"train_samples\": 300, ", "")).Models[1].AxisValue("train_samples"));
        Assert.Contains("on 100 training samples", config.Models[0].Recipe);
        var json = config.ToJson();
        Assert.Equal(100, (int)json["models"]![0]!["train_samples"]!);
        Assert.Null(json["models"]![1]!["train_samples"]);
        Assert.Equal(json.ToJsonString(), Parse(json.ToJsonString()).ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("{ \"name\": \"init\", \"model\": \"mlp\", \"epochs\": 0, \"train_samples\": 5 }", "not trained (epochs 0)")]
    [InlineData("{ \"name\": \"x\", \"model\": \"mlp\", \"epochs\": 1, \"train_samples\": 0 }", "train_samples")]
    public void A_count_on_a_model_that_is_not_trained_or_below_one_is_refused(string model, string expected)
    {
        var e = Assert.Throws<LlaException>(() => Parse(Config.Replace("{ \"name\": \"init\", \"model\": \"mlp\", \"epochs\": 0 }", model)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_model_s_count_larger_than_the_split_is_refused_naming_the_model()
    {
        TestTorch.Init();
        var e = Assert.Throws<LlaException>(() => StudyRun.Execute(new StudyRunOptions(Parse(Config.Replace("\"train_samples\": 100", "\"train_samples\": 99999")), Path.Combine(Paths.NewTempFolder(), "s"))));
        Assert.StartsWith("model small: train_samples 99999 is more than the 9000 training samples of", e.Message);
        // The study's own count is checked too when every trained model has its own (the reference is measured on the study's).
        string json = Config.Replace("\"train_samples\": 300", "\"train_samples\": 99999").Replace("\"epochs\": 1 }", "\"epochs\": 1, \"train_samples\": 200 }");
        e = Assert.Throws<LlaException>(() => StudyRun.Execute(new StudyRunOptions(Parse(json), Path.Combine(Paths.NewTempFolder(), "s"))));
        Assert.StartsWith("train_samples 99999 is more than the 9000 training samples of", e.Message);
    }

    [Fact]
    public void A_warm_up_longer_than_a_model_s_own_training_set_allows_is_refused_before_any_training()
    {
        TestTorch.Init();
        // Two epochs of 300 samples in batches of 64 make 10 steps, of 100 make 4: a warm-up of 4 steps fits the study's count only.
        string folder = Path.Combine(Paths.NewTempFolder(), "s");
        var config = Parse(Config.Replace("\"train_samples\": 100, \"stop_accuracy\": 0.99", "\"train_samples\": 100, \"warmup_steps\": 4"));
        var e = Assert.Throws<LlaException>(() => StudyRun.Execute(new StudyRunOptions(config, folder)));
        Assert.StartsWith("model small: warmup_steps 4 is not shorter than the run", e.Message);
        Assert.False(Directory.Exists(Path.Combine(folder, "models")) && Directory.EnumerateFiles(Path.Combine(folder, "models")).Any());
    }

    [Fact]
    public void Each_model_is_trained_and_measured_on_its_own_first_samples()
    {
        TestTorch.Init();
        var config = Parse(Config);
        string folder = Path.Combine(Paths.NewTempFolder(), "s");
        StudyRun.Execute(new StudyRunOptions(config, folder));
        var rows = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "table.json")))!.AsArray();
        var trainSamples = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!["meta"]!["train_samples"]!;
        Assert.Equal(100, (int)trainSamples["small"]!);
        Assert.Equal(300, (int)trainSamples["init"]!);
        foreach (var (name, samples) in new[] { ("small", 100), ("study", 300) })
        {
            var record = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "models", name + ".bin.json")))!;
            Assert.Equal(samples, (int)record["options"]!["train_samples"]!);
            // Its train accuracy, recomputed here on the first `samples` images of the split less its held-out tenth.
            using var data = DataSpec.Load(DataSpec.First(samples, DataSpec.Holdout(StudyConfig.ValidationSplit, EmbeddedDefault.DataSpec)), Split.Train);
            Assert.Equal(samples, data.Count);
            var spec = config.Models.Single(m => m.Name == name);
            using var model = StudySource.For(config, spec, Path.Combine(folder, "models", name + ".bin")).Build(data);
            model.eval();
            double expected;
            using (no_grad())
            using (var predicted = model.forward(data.Inputs).argmax(1))
                expected = predicted.eq(data.Labels).to_type(ScalarType.Float64).mean().item<double>();
            // With the stopping rule (small: 99%, not reached in its 2 epochs) the test set is evaluated after the last epoch only.
            var epochs = record["epochs"]!.AsArray();
            Assert.Equal(name == "small", epochs[0]!["test_accuracy"] is null);
            Assert.NotNull(epochs[^1]!["test_accuracy"]);
            var row = rows.Single(r => (string)r!["model"]! == name && (string)r!["dataset"]! == "train")!;
            Assert.Equal(expected, (double)row["accuracy"]!, 12);
        }
    }
}
