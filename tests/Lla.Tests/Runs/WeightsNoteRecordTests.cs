using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Tests.Support;
using static TorchSharp.torch;

namespace Lla.Tests.Runs;

/// <summary>Float64 weights analysed in float32 are converted with a note in the run record, not silently.</summary>
[Collection("console")]
public class WeightsNoteRecordTests
{
    [Fact]
    public void Float64_weights_in_a_float32_run_are_noted_in_results_json()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var entries = TensorFile.Read(Paths.EmbeddedWeights);
        try
        {
            var wide = entries.Where(e => !e.Key.StartsWith(WeightsLoader.OptimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(e => e.Key, e => is_floating_point(e.Value) ? e.Value.to(ScalarType.Float64) : e.Value.alias());
            TensorFile.Write(Path.Combine(cwd, "f64.bin"), wide);
            foreach (var t in wide.Values) t.Dispose();
        }
        finally
        {
            foreach (var t in entries.Values) t.Dispose();
        }
        var outcome = InProcessLla.Run(cwd, "hessian", "--weights", "f64.bin", "--top-k", "0", "--batch-size", "32", "--threads", "1", "--out", "run", "--quiet");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var model = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!["model"]!;
        Assert.Equal("converted 10 float64 tensors to float32", model["weights_note"]!.GetValue<string>());

        var plain = InProcessLla.Run(cwd, "hessian", "--top-k", "0", "--batch-size", "32", "--threads", "1", "--out", "plain", "--quiet");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "plain", "results.json")))!["model"]!["weights_note"]);
    }
}
