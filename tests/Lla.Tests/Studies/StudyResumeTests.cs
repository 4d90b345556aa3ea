using System.Text.Json.Nodes;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Studies;

/// <summary>
/// A study interrupted midway (cancelled after its fifth measurement) resumes in-process to the results of an
/// uninterrupted one without retraining; a changed config is refused, changed axes only re-score. The process
/// killed with SIGKILL is `lla landscape`'s end-to-end test; the study's resume logic is this one. Slow category:
/// it trains two models and measures twelve datasets twice (about 3 minutes on a loaded 2-core machine).
/// </summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class StudyResumeTests
{
    private const string Tiny = """
        { "name": "tiny", "shifts": ["noise:3", "blur:2"],
          "analysis": { "batch_size": 128, "batches": 2, "slq_runs": 1, "lanczos_steps": 12, "bootstrap": 200 },
          "models": [
            { "name": "m1", "model": "mlp", "epochs": 1, "seed": 1 },
            { "name": "m2", "model": "lenet", "optimizer": "sgd", "lr": 0.05, "epochs": 1, "seed": 2, "gradient": "sign-flip:0.2" },
            { "name": "m0", "model": "lenet", "epochs": 0, "seed": 3 } ] }
        """;

    private static StudyConfig Config(string json) => StudyConfig.Parse(JsonNode.Parse(json), "tiny.json");

    private static string[] Lines(string folder) => File.ReadAllLines(Path.Combine(folder, StudyRun.MeasurementsFile));

    [Fact]
    public void A_study_interrupted_midway_resumes_to_the_same_results_without_retraining()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), cut = Path.Combine(dir, "cut"), whole = Path.Combine(dir, "whole");
        using (var stop = new CancellationTokenSource())
        {
            Assert.Throws<OperationCanceledException>(() => StudyRun.Execute(new StudyRunOptions(Config(Tiny), cut), say: line =>
            {
                if (line.StartsWith("[5/")) stop.Cancel();
            }, cancel: stop.Token));
        }
        int before = Lines(cut).Length;
        Assert.Equal(5, before);
        Assert.False(File.Exists(Path.Combine(cut, StudyResults.FileName)));
        var m1 = File.GetLastWriteTimeUtc(Path.Combine(cut, "models", "m1.bin"));

        var said = new List<string>();
        StudyRun.Execute(new StudyRunOptions(Config(Tiny), cut), say: said.Add);
        Assert.Contains($"resuming: {before} measurements already in {Path.Combine(cut, StudyRun.MeasurementsFile)}", said);
        Assert.DoesNotContain(said, l => l.Contains("epoch")); // nothing is trained again ("m1: epoch 1/1: …" when it is)
        Assert.Equal(m1, File.GetLastWriteTimeUtc(Path.Combine(cut, "models", "m1.bin")));

        StudyRun.Execute(new StudyRunOptions(Config(Tiny), whole));
        static JsonArray Rows(string f) => JsonNode.Parse(File.ReadAllText(Path.Combine(f, "table.json")))!.AsArray();
        var a = Rows(cut);
        var b = Rows(whole);
        Assert.Equal(12, a.Count);
        // Every default measure is kept with the rows, so a resumed study has them too (ATC/DoC calibrated on the held-out 10%).
        foreach (var m in new[] { "atc_accuracy", "doc_accuracy", "re_predicted", "batch_accuracy", "margin", "ww_alpha", "trace" })
            Assert.NotNull(a[0]!["measures"]![m]!["mean"]);
        for (int i = 0; i < a.Count; i++)
        {
            a[i]!.AsObject().Remove("seconds");
            b[i]!.AsObject().Remove("seconds");
            Assert.True(JsonNode.DeepEquals(a[i], b[i]), $"row {i}: {a[i]!.ToJsonString()} vs {b[i]!.ToJsonString()}");
        }

        // Axes only decide the scoring: adding them to a finished study re-scores it without measuring again.
        StudyRun.Execute(new StudyRunOptions(Config(Tiny.Replace("\"models\": [", "\"axes\": [\"model\"], \"models\": [")), whole));
        Assert.Equal(12, Lines(whole).Length);
        var across = JsonNode.Parse(File.ReadAllText(Path.Combine(whole, StudyResults.FileName)))!["leaderboard"]!["entries"]!.AsArray()
            .Single(e => e!["measure"]!.GetValue<string>() == "re")!["across_models"];
        Assert.Equal(2, across!["models"]!.GetValue<int>());
        Assert.Equal("model", JsonNode.Parse(File.ReadAllText(Path.Combine(whole, StudyRun.ConfigFile)))!["axes"]!.AsArray().Single()!.GetValue<string>());

        var changed = Assert.Throws<LlaException>(() => StudyRun.Execute(new StudyRunOptions(Config(Tiny.Replace("\"lanczos_steps\": 12", "\"lanczos_steps\": 14")), cut)));
        Assert.Contains("holds a study with another config", changed.Message);
    }
}
