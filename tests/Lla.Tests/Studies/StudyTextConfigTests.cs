using System.Text.Json.Nodes;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Studies;

namespace Lla.Tests.Studies;

/// <summary>A study config of GPTs on text: its text settings, its text shifts, its sources and micro-batches.</summary>
public class StudyTextConfigTests
{
    private static StudyConfig Parse(string json) => StudyConfig.Parse(JsonNode.Parse(json), "test.json");

    private const string TextStudy = """
        { "data": "text:story.txt", "tokenizer": "bytes", "context": 16, "shifts": ["text:other.txt", "token-noise:0.25"],
          "models": [ { "name": "a", "model": "gpt:layers=1,heads=2,width=16,context=16,vocab=256", "optimizer": "adamw", "lr": 0.003, "epochs": 1,
                        "schedule": "cosine", "warmup_steps": 2, "min_lr": 0.0003 } ] }
        """;

    [Fact]
    public void A_text_study_keeps_its_tokenizer_context_and_shifts_through_its_saved_config()
    {
        var config = Parse(TextStudy);
        Assert.Equal(Lla.Data.Text.TokenizerKind.Bytes, config.Text!.Tokenizer);
        Assert.Equal(16, config.Text.Context);
        Assert.Equal(new[] { "text:other.txt", "token-noise:0.25" }, config.Shifts.Select(s => s.Name));
        Assert.Equal("text:other.txt", config.Shifts[0].Corpus);
        Assert.Equal(0.25, config.Shifts[1].Fraction);
        Assert.All(config.Shifts, s => Assert.True(s.OfText));
        var again = Parse(config.ToJson().ToJsonString());
        Assert.Equal(config.Text, again.Text);
        Assert.Equal(config.Shifts, again.Shifts);
        Assert.Equal(StudyConfig.Saved.Same, config.CompareWith(config.ToIndentedJson()));
        // Another context is another study.
        Assert.Equal(StudyConfig.Saved.Other, Parse(TextStudy.Replace("\"context\": 16", "\"context\": 8")).CompareWith(config.ToIndentedJson()));
    }

    [Fact]
    public void An_image_study_writes_no_text_settings_and_resolves_to_cross_entropy()
    {
        var config = Parse("""{ "shifts": ["noise:3"], "models": [ { "name": "a", "model": "lenet", "epochs": 1 } ] }""");
        Assert.Null(config.Text);
        Assert.Null(config.ToJson()["tokenizer"]);
        Assert.Null(config.ToJson()["context"]);
        Assert.Equal(LossKind.CrossEntropy, StudySource.For(config, config.Models[0], null).Loss);
    }

    [Fact]
    public void A_gpt_of_a_study_resolves_as_the_commands_resolve_it_with_next_token_loss_and_the_text_settings()
    {
        var config = Parse(TextStudy);
        var source = StudySource.For(config, config.Models[0], null);
        Assert.Equal(LossKind.NextToken, source.Loss);
        Assert.Null(source.Weights);
        Assert.Equal(config.Text, source.Text);
        Assert.Equal("adamw", config.Models[0].Training().Optimizer.ToString().ToLowerInvariant());
    }

    [Fact]
    public void A_gpt2_sized_model_is_evaluated_a_window_at_a_time_and_a_tiny_one_whole()
    {
        // The rule of every command's evaluation (EvaluationMicroBatch): activations within 1 GiB. GPT-2 small over 1,024
        // tokens takes GBs per window: one at a time; a tiny GPT fits any batch.
        using var small = new GptModel(GptConfig.Parse("gpt:layers=1,heads=2,width=16,context=8,vocab=256"));
        Assert.True(EvaluationMicroBatch.ForModel(small) >= 1024, $"{EvaluationMicroBatch.ForModel(small)}");
        Assert.Equal(1, EvaluationMicroBatch.ForGpt(GptConfig.Gpt2Small, int.MaxValue, 1024, 4));
        double perWindow = GptMemory.ActivationBytes(GptConfig.Gpt2Small, 1, 128, 4);
        Assert.Equal((int)Math.Floor(EvaluationMicroBatch.GptBudgetBytes / perWindow), EvaluationMicroBatch.ForGpt(GptConfig.Gpt2Small, int.MaxValue, 128, 4));
    }

    [Theory]
    [InlineData("""{ "name": "a", "model": "M", "epochs": 1, "min_lr": 0.0001 }""", "models[0]: min_lr is where schedule cosine decays to: add schedule cosine, or leave min_lr out")]
    [InlineData("""{ "name": "a", "model": "M", "epochs": 1, "clip_grad_norm": -1 }""", "clip_grad_norm must not be negative")]
    [InlineData("""{ "name": "a", "model": "gpt:layers=1,heads=3,width=16,context=8", "epochs": 0 }""", "models[0]: ")]
    [InlineData("""{ "name": "a", "model": "M", "epochs": 1, "label_noise": 0.1 }""", "'augment' and 'label_noise' change images and class labels")]
    public void Bad_gpt_models_are_refused_when_the_config_is_read(string model, string message)
    {
        string json = $$"""{ "data": "text:story.txt", "tokenizer": "bytes", "context": 8, "models": [ {{model.Replace("\"M\"", "\"gpt:layers=1,heads=2,width=16,context=8,vocab=256\"")}} ] }""";
        var error = Assert.Throws<LlaException>(() => Parse(json));
        Assert.Contains(message, error.Message);
        Assert.StartsWith("test.json: models[0]", error.Message);
    }
}
