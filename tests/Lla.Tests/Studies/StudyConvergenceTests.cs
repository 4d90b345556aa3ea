using System.Text.Json.Nodes;
using Lla.Runs;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Studies;

/// <summary>
/// A zoo's stopping rule, reported: how many models with <c>stop_accuracy</c> reached it before their cap, and which
/// did not (with where they ended); a train_samples larger than the training split is refused naming the key.
/// </summary>
public class StudyConvergenceTests
{
    private const string Config = """
        { "name": "conv", "shifts": [], "train_samples": 500,
          "models": [
            { "name": "a", "model": "vgg:depth=1,width=4", "epochs": 3, "stop_accuracy": 0.9 },
            { "name": "b", "model": "vgg:depth=02,width=4,dropout=0.50", "epochs": 5, "stop_accuracy": 0.9 },
            { "name": "c", "model": "lenet", "epochs": 1 } ] }
        """;

    private static StudyConfig Parse(string json) => StudyConfig.Parse(JsonNode.Parse(json), "conv.json");

    private static TrainResults Trained(params double?[] fit) => new()
    {
        Epochs = fit.Select((f, i) => new EpochRecord(i + 1, 0.1, 0.9, 0.2, 0.8, 1.0, FitAccuracy: f)).ToArray(),
    };

    [Fact]
    public void Models_that_reached_the_rule_are_counted_and_those_that_hit_the_cap_named()
    {
        var config = Parse(Config);
        var training = new Dictionary<string, TrainResults>
        {
            ["a"] = Trained(0.5, 0.92), ["b"] = Trained(0.5, 0.6, 0.7, 0.8, 0.85), ["c"] = Trained(new double?[] { null }),
        };
        var c = StudyConvergence.Of(config, training)!;
        Assert.Equal(2, c.WithRule);
        Assert.Equal(1, c.Converged);
        Assert.Equal(new NotConverged("b", 0.85, 5), Assert.Single(c.NotConverged));
        Assert.Equal("Stopping rule: 1 of 2 trained models reached 90.0 % eval-mode training accuracy before their epoch cap; kept, not converged: b (85.00 % after 5 epochs).", c.Line(config));
        Assert.Null(StudyConvergence.Of(Parse(Config.Replace("\"stop_accuracy\": 0.9", "\"seed\": 1")), training));
        Assert.Contains("until 90.0 % eval-mode training accuracy (at most 3 epochs)", config.Models[0].Recipe);
    }

    [Fact]
    public void Architecture_axes_read_the_parsed_name()
    {
        var b = Parse(Config).Models[1];
        Assert.Equal("2", b.AxisValue("depth"));
        Assert.Equal("0.5", b.AxisValue("dropout"));
        var gpt = b with { Architecture = "gpt-nano" };
        Assert.Equal("gpt", gpt.AxisValue("family"));
        Assert.Equal("128", gpt.AxisValue("width"));
    }

    [Fact]
    public void More_train_samples_than_the_training_split_holds_is_refused_naming_the_key()
    {
        TestTorch.Init();
        var e = Assert.Throws<LlaException>(() => StudyRun.Execute(new StudyRunOptions(Parse(Config.Replace("500", "99999")), Path.Combine(Paths.NewTempFolder(), "s"))));
        Assert.StartsWith("train_samples 99999 is more than the 9000 training samples of", e.Message);
    }
}
