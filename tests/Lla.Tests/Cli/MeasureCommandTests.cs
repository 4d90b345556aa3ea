using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>`lla measure` end to end: a model trained with a validation split gets θ₀-based and calibrated measures; the results schema.</summary>
public class MeasureCommandTests
{
    [Fact]
    public void A_model_trained_with_a_validation_split_gets_every_measure_that_needs_its_init_and_validation_set()
    {
        string dir = Paths.NewTempFolder(), weights = Path.Combine(dir, "mlp.bin");
        var train = LlaProcess.RunIn(dir, "train", "--model", "mlp", "--epochs", "1", "--validation-split", "0.1", "--save", weights, "--quiet");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.True(File.Exists(weights + ".init"));
        var record = JsonNode.Parse(File.ReadAllText(weights + ".json"))!;
        Assert.StartsWith("holdout:0.1:idx:", record["validation"]!.GetValue<string>());
        Assert.False(Path.IsPathRooted(record["validation"]!.GetValue<string>()["holdout:0.1:idx:".Length..])); // relative to the record's folder

        var run = LlaProcess.RunIn(dir, "measure", "--model", "mlp", "--weights", weights, "--data", "idx:" + Paths.EmbeddedData,
            "--only", "baseline,norms,flatness,confidence,spectra", "--batch-size", "256", "--out", "m");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("pacbayes_bound", run.Stdout);
        var measures = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "m", "results.json")))!["measures"]!.AsArray();
        JsonNode Measure(string name) => measures.First(m => m!["name"]!.GetValue<string>() == name)!;
        foreach (var name in new[] { "dist_init", "pacbayes_bound", "pacbayes_mag_bound", "atc_accuracy", "doc_accuracy", "batch_accuracy", "ww_alpha" })
            Assert.True(Measure(name)["value"] is not null, $"{name}: {Measure(name)["reason"]}");
        var atc = Measure("atc_accuracy");
        Assert.Equal(-1, atc["direction"]!.GetValue<int>());
        Assert.Equal("eval", atc["data"]!["bn_mode"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(atc["meaning"]!.GetValue<string>()));
        Assert.True(Measure("ww_alpha")["data_free"]!.GetValue<bool>());
        Assert.NotEmpty(Measure("ww_alpha")["layers"]!.AsArray());
        Assert.Contains("Generalization measures", File.ReadAllText(Path.Combine(dir, "m", "report.html")));

        // With predicted labels nothing needs the data's labels; the cost-matched baseline says why it has no value.
        var predicted = LlaProcess.RunIn(dir, "measure", "--model", "mlp", "--weights", weights, "--data", "idx:" + Paths.EmbeddedData,
            "--only", "baseline,margin", "--labels", "predicted", "--batch-size", "256", "--out", "p", "--json");
        Assert.True(predicted.ExitCode == 0, predicted.Stderr);
        var printed = JsonNode.Parse(predicted.Stdout)!["measures"]!.AsArray();
        Assert.Null(printed.First(m => m!["name"]!.GetValue<string>() == "batch_accuracy")!["value"]);
        Assert.True(printed.First(m => m!["name"]!.GetValue<string>() == "margin")!["value"]!.GetValue<double>() > 0); // argmax labels: every margin ≥ 0
    }
}
