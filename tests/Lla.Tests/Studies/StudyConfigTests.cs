using System.Text.Json.Nodes;
using Lla.Studies;
using Lla.Tests.Support;

namespace Lla.Tests.Studies;

public class StudyConfigTests
{
    private static string Preset(string name) => Path.Combine(Paths.Root, "src", "Lla.Cli", "Presets", name + ".json");

    private static StudyConfig Parse(string json) => StudyConfig.Parse(JsonNode.Parse(json), "test.json");

    [Fact]
    public void The_presets_parse_and_the_paper_preset_has_at_least_eight_pairs_per_criterion()
    {
        var quick = StudyConfig.Load(Preset("quick"));
        Assert.Equal("quick", quick.Name);
        Assert.Contains(quick.Models, m => m.IsReference);
        Assert.Contains(quick.Models, m => m.Gradient.Kind != "none");
        var paper = StudyConfig.Load(Preset("paper"));
        int trained = paper.Models.Count(m => !m.IsReference);
        int pairs = trained * (1 + paper.Shifts.Count);   // the clean test split and every shift, against the training split
        Assert.True(pairs >= 8, $"{pairs} pairs");
        Assert.Contains(paper.Models, m => m.Architecture == "resnet20"); // a BatchNorm network (issue 24)
        Assert.Contains(paper.Models, m => m.Augment);
        Assert.Contains(paper.Models, m => m.Optimizer == "sgd");
        Assert.Contains(paper.Models, m => m.Gradient.Kind == "clip-norm");
        Assert.True(paper.AxesOrNone.Count >= 4);
    }

    [Fact]
    public void A_model_may_override_the_analysis_settings_and_keeps_the_rest()
    {
        var c = Parse("""
            { "analysis": { "batch_size": 256, "slq_runs": 2 },
              "models": [ { "name": "r", "model": "resnet20", "analysis": { "batch_size": 128, "batches": 1, "lanczos_steps": 30 } }, { "name": "m", "model": "mlp" } ] }
            """);
        var resnet = c.Models.Single(m => m.Name == "r").AnalysisFor(c.Analysis);
        Assert.Equal((128, 1, 30, 2), (resnet.BatchSize, resnet.Batches, resnet.LanczosSteps, resnet.SlqRuns));
        Assert.Equal(c.Analysis.KhPower, resnet.KhPower);
        Assert.Equal(256, c.Models.Single(m => m.Name == "m").AnalysisFor(c.Analysis).BatchSize);
    }

    [Fact]
    public void The_written_form_reads_back_to_the_same_config()
    {
        var paper = StudyConfig.Load(Preset("paper"));
        var again = StudyConfig.Parse(JsonNode.Parse(paper.ToJson().ToJsonString()), "again");
        Assert.True(JsonNode.DeepEquals(paper.ToJson(), again.ToJson()));
        Assert.Equal(paper.Models.Select(m => m.Recipe), again.Models.Select(m => m.Recipe));
    }

    [Fact]
    public void A_language_model_recipe_with_adamw_warm_up_cosine_and_clipping_reads_back()
    {
        var c = Parse("""{ "data": "text:story.txt", "models": [ { "name": "g", "model": "gpt-nano", "optimizer": "adamw", "lr": 0.003, "weight_decay": 0.1, "schedule": "cosine", "warmup_steps": 20, "min_lr": 0.0003, "clip_grad_norm": 1 } ] }""");
        var m = c.Models.Single();
        Assert.Equal(("adamw", Lla.Training.ScheduleKind.Cosine, 20, 0.0003, 1.0), (m.Optimizer, m.Schedule, m.WarmupSteps, m.MinLearningRate, m.ClipGradNorm));
        Assert.Equal("adamw lr 0.003, 3 epochs, batch 64, weight decay 0.1, 20 warm-up steps, cosine to 0.0003, clipped to norm 1", m.Recipe);
        // Read back from its written form, the recipe keeps every field (compared field by field, not through ToJson).
        var back = StudyConfig.Parse(JsonNode.Parse(c.ToJson().ToJsonString()), "again").Models.Single();
        Assert.Equal((m.Optimizer, m.LearningRate, m.WeightDecay, m.Schedule, m.WarmupSteps, m.MinLearningRate, m.ClipGradNorm),
            (back.Optimizer, back.LearningRate, back.WeightDecay, back.Schedule, back.WarmupSteps, back.MinLearningRate, back.ClipGradNorm));
        Assert.Contains("unknown schedule 'step' (known: constant, cosine)",
            Assert.Throws<LlaException>(() => Parse("""{ "models": [ { "name": "a", "model": "mlp", "schedule": "step" } ] }""")).Message);
        Assert.Contains("min_lr must be in [0, lr]",
            Assert.Throws<LlaException>(() => Parse("""{ "models": [ { "name": "a", "model": "mlp", "lr": 0.001, "min_lr": 0.01 } ] }""")).Message);
    }

    [Fact]
    public void Defaults_fill_what_a_small_config_leaves_out()
    {
        var c = Parse("""{ "models": [ { "name": "a", "model": "mlp" } ] }""");
        Assert.Equal("study", c.Name);
        Assert.Null(c.Data);
        Assert.Empty(c.Shifts);
        var m = c.Models[0];
        Assert.Equal(("adam", 1e-3, 3, false, "none"), (m.Optimizer, m.LearningRate, m.Epochs, m.Augment, m.Gradient.Kind));
        Assert.Equal(0.5, c.Analysis.KhPower);
        Assert.Equal(-0.6, c.Analysis.CtThreshold);
    }

    [Theory]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "epoch": 3 } ] }""", "unknown key 'epoch'")]
    [InlineData("""{ "modles": [] }""", "unknown key 'modles'")]
    [InlineData("""{ "models": [] }""", "lists no model")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp" }, { "name": "a", "model": "lenet" } ] }""", "two models are named 'a'")]
    [InlineData("""{ "shifts": ["fog:2"], "models": [ { "name": "a", "model": "mlp" } ] }""", "unknown shift 'fog'")]
    [InlineData("""{ "shifts": ["noise:9"], "models": [ { "name": "a", "model": "mlp" } ] }""", "severity must be 1 to 5")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "gradient": "clip-norm" } ] }""", "KIND:VALUE")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "gradient": "sign-flip:2" } ] }""", "probability")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "optimizer": "lbfgs" } ] }""", "unknown optimizer 'lbfgs'")]
    [InlineData("""{ "models": [ { "name": "a/b", "model": "mlp" } ] }""", "names files")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "lr": "fast" } ] }""", "'lr' must be a number")]
    [InlineData("""{ "analysis": { "batches": 0 }, "models": [ { "name": "a", "model": "mlp" } ] }""", "'batches' must be at least 1")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "analysis": { "steps": 3 } } ] }""", "unknown key 'steps'")]
    [InlineData("""{ "models": [ { "name": "a", "model": "mlp", "weights": "x.pth", "epochs": 2 } ] }""", "loaded, not trained")]
    public void Mistakes_are_refused_with_a_message_naming_them(string json, string expected)
    {
        var e = Assert.Throws<LlaException>(() => Parse(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_or_broken_file_is_a_clear_error()
    {
        Assert.Contains("not found", Assert.Throws<LlaException>(() => StudyConfig.Load("/nonexistent/study.json")).Message);
        string path = Path.Combine(Paths.NewTempFolder(), "bad.json");
        File.WriteAllText(path, "{ \"models\": [ ");
        Assert.Contains("not valid JSON", Assert.Throws<LlaException>(() => StudyConfig.Load(path)).Message);
    }
}
