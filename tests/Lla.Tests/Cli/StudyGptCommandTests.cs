using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla study` on a tiny GPT (one layer, width 16, context 8, byte vocabulary) over a small generated text, in-process:
/// a model at its random initialization and one trained by AdamW with warm-up and a cosine schedule, measured on the
/// training part, the test part, another corpus (text:OTHER) and token noise of the test part; the study resumes.
/// Bad study configs are refused in one line, exit code 2, before any model is trained.
/// </summary>
[Collection("console")]
public class StudyGptCommandTests
{
    public StudyGptCommandTests() => TestTorch.Init();

    private const string Model = "gpt:layers=1,heads=2,width=16,context=8,vocab=256";

    /// <summary>A text of <paramref name="length"/> bytes made of <paramref name="words"/>.</summary>
    private static string Text(string dir, string name, string[] words, int length)
    {
        string path = Path.Combine(dir, name);
        var text = new System.Text.StringBuilder();
        for (int i = 0; text.Length < length; i++) text.Append(words[(i * 7 + i / 5) % words.Length]).Append(i % 9 == 8 ? ". " : " ");
        File.WriteAllText(path, text.ToString()[..length]);
        return path;
    }

    private static string Story(string dir) => Text(dir, "story.txt", new[] { "the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "off", "far", "away" }, 2400);
    private static string Other(string dir) => Text(dir, "other.txt", new[] { "QUIZ", "JUXTA", "ZYXW", "KVQJ", "PFFT", "WHIZ" }, 1200);

    private static string Config(string dir, string story, string other, string extraModel = "") => $$"""
        {
          "name": "gpt-tiny", "data": "text:{{story}}", "tokenizer": "bytes", "context": 8,
          "shifts": ["text:{{other}}", "token-noise:0.5"],
          "measures": ["re", "kh", "ct", "batch_accuracy", "batch_loss", "margin", "confidence_mean", "ww_alpha", "re_predicted"],
          "analysis": { "batch_size": 8, "batches": 1, "slq_runs": 1, "lanczos_steps": 6, "bootstrap": 100 },
          "models": [
            { "name": "init", "model": "{{Model}}", "epochs": 0, "seed": 3 },
            { "name": "adamw", "model": "{{Model}}", "optimizer": "adamw", "lr": 0.01, "epochs": 2, "batch_size": 16, "seed": 4,
              "weight_decay": 0.1, "schedule": "cosine", "warmup_steps": 3, "min_lr": 0.001, "clip_grad_norm": 1 }{{extraModel}}
          ]
        }
        """;

    private static JsonObject Row(JsonNode study, string model, string dataset) =>
        study["rows"]!.AsArray().Single(r => (string)r!["model"]! == model && (string)r["dataset"]! == dataset)!.AsObject();

    [Fact]
    public void A_study_of_a_tiny_gpt_measures_next_token_loss_on_another_corpus_and_token_noise_and_resumes()
    {
        string dir = Paths.NewTempFolder();
        string story = Story(dir), other = Other(dir), config = Path.Combine(dir, "gpt.json"), folder = Path.Combine(dir, "out");
        File.WriteAllText(config, Config(dir, story, other));
        var run = InProcessLla.Run(dir, "study", "--config", config, "--out", folder, "--threads", "1", "--onednn", "off");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var study = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "study.json")))!;
        Assert.Equal(2 * 4, study["rows"]!.AsArray().Count);

        // A random GPT over 256 bytes predicts close to uniformly: loss ≈ ln 256 = 5.545 on every dataset.
        foreach (string dataset in new[] { "train", "test", "text:" + other, "token-noise:0.5" })
            Assert.InRange((double)Row(study, "init", dataset)["loss"]!, 5.0, 6.0);
        // The trained model learnt the story's bytes: below ln 256 on its test part, above it where half the tokens are random or the corpus is another.
        double test = (double)Row(study, "adamw", "test")["loss"]!, noise = (double)Row(study, "adamw", "token-noise:0.5")["loss"]!, corpus = (double)Row(study, "adamw", "text:" + other)["loss"]!;
        Assert.True(test < Math.Log(256) - 0.3, $"trained test loss {test}");
        Assert.True(noise > test + 0.5, $"token noise {noise} vs test {test}");
        Assert.True(corpus > test + 0.5, $"other corpus {corpus} vs test {test}");
        // Next-token accuracy: a share of positions; higher on the clean test part than under token noise.
        double accuracy = (double)Row(study, "adamw", "test")["accuracy"]!;
        Assert.InRange(accuracy, 0.05, 1.0);
        Assert.True(accuracy > (double)Row(study, "adamw", "token-noise:0.5")["accuracy"]!);

        // The datasets, the text settings and what the accuracy is are recorded.
        var meta = study["meta"]!;
        Assert.Equal("bytes", (string)meta["tokenizer"]!);
        Assert.Equal(8, (int)meta["context"]!);
        Assert.StartsWith("next-token accuracy", (string)meta["accuracy_means"]!);
        var described = meta["datasets"]!.AsArray().Select(d => (string)d!["name"]!).ToArray();
        Assert.Equal(new[] { "train", "test", "text:" + other, "token-noise:0.5" }, described);
        Assert.Contains("other.txt", (string)meta["datasets"]![2]!["description"]!);
        Assert.Contains("token-noise 0.5", (string)meta["datasets"]![3]!["description"]!);
        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        Assert.Equal("bytes", (string)saved["tokenizer"]!);
        Assert.Equal(8, (int)saved["context"]!);
        // The model was trained as `lla train` trains a GPT: next-token loss, AdamW, the schedule, the text settings in its record.
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "models", "adamw.bin.json")))!;
        Assert.Equal("next-token", (string)record["options"]!["loss"]!);
        Assert.Equal("adamw", (string)record["options"]!["optimizer"]!);
        Assert.Equal("cosine", (string)record["options"]!["schedule"]!);
        Assert.Equal("bytes", (string)record["options"]!["tokenizer"]!);

        // Measures that need classes say why they have no value (as `lla measure` lists them), and so do weight spectra of
        // matrices this small; the criteria, batch accuracy and loss and the predicted-token criteria have values.
        var missing = meta["measures_not_available"]!.AsObject();
        Assert.Contains("outputs [batch, classes]", (string)missing["margin"]!);
        Assert.Contains("outputs [batch, classes]", (string)missing["confidence_mean"]!);
        Assert.Contains("eigenvalues", (string)missing["ww_alpha"]!);
        var cells = Row(study, "adamw", "test")["measures"]!;
        Assert.Null(cells["margin"]!["mean"]);
        foreach (string m in new[] { "batch_accuracy", "batch_loss", "re_predicted" }) Assert.NotNull(cells[m]!["mean"]);
        Assert.NotNull(Row(study, "adamw", "test")["re"]!["mean"]);

        // Everything is there: the same command trains nothing and measures nothing.
        var again = InProcessLla.Run(dir, "study", "--config", config, "--out", folder, "--threads", "1", "--onednn", "off");
        Assert.True(again.ExitCode == 0, again.Stderr + again.Stdout);
        Assert.Contains("resuming: 8 measurements", again.Stdout);
        Assert.DoesNotContain("epoch", again.Stdout);
    }

    [Theory]
    // A warm-up as long as the run: 242 training windows (the story's train part less its last 10%) in batches of 16 make 16 steps per epoch.
    [InlineData("""{ "name": "w", "model": "M", "epochs": 1, "batch_size": 16, "warmup_steps": 16 }""", "model w: warmup_steps 16 is not shorter than the run: epochs 1 of 16 steps")]
    [InlineData("""{ "name": "m", "model": "M", "epochs": 1, "min_lr": 0.0001 }""", "models[2]: min_lr is where schedule cosine decays to")]
    [InlineData("""{ "name": "m", "model": "M", "epochs": 1, "schedule": "cosine", "min_lr": 0.5 }""", "models[2]: min_lr must be in [0, lr]")]
    [InlineData("""{ "name": "g", "model": "gpt:layers=1,heads=3,width=16,context=8,vocab=256", "epochs": 1 }""", "models[2]: ")]
    [InlineData("""{ "name": "l", "model": "lenet", "epochs": 1 }""", "lenet is an image model, and 'data'")]
    [InlineData("""{ "name": "a", "model": "M", "epochs": 1, "augment": true }""", "is a language model: drop them")]
    public void A_bad_gpt_study_config_is_one_line_and_exit_2_before_any_model_is_trained(string model, string message)
    {
        string dir = Paths.NewTempFolder();
        string config = Path.Combine(dir, "bad.json"), folder = Path.Combine(dir, "out");
        File.WriteAllText(config, Config(dir, Story(dir), Other(dir), ",\n" + model.Replace("\"M\"", $"\"{Model}\"")));
        var run = InProcessLla.Run(dir, "study", "--config", config, "--out", folder);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(folder, "models")) && Directory.EnumerateFileSystemEntries(Path.Combine(folder, "models")).Any(), "a model was trained");
    }

    [Theory]
    [InlineData("""{ "shifts": ["token-noise:0.1"], "models": [ { "name": "a", "model": "lenet" } ] }""", "shifts[0] 'token-noise:0.1' shifts text, and 'data' the embedded Fashion-MNIST subset is image data")]
    [InlineData("""{ "shifts": ["text:other.txt"], "models": [ { "name": "a", "model": "lenet" } ] }""", "shifts[0] 'text:other.txt' shifts text")]
    [InlineData("""{ "data": "text:story.txt", "shifts": ["noise:3"], "models": [ { "name": "a", "model": "gpt-nano", "epochs": 0 } ] }""", "shifts[0] 'noise:3' shifts images, and 'data' text:story.txt is text")]
    [InlineData("""{ "models": [ { "name": "a", "model": "gpt-nano", "epochs": 0 } ] }""", "gpt-nano is a language model, and 'data' the embedded Fashion-MNIST subset is image data")]
    [InlineData("""{ "tokenizer": "bytes", "models": [ { "name": "a", "model": "lenet" } ] }""", "'tokenizer' and 'context' say how text data is read")]
    [InlineData("""{ "data": "text:story.txt", "tokenizer": "words", "models": [ { "name": "a", "model": "gpt-nano", "epochs": 0 } ] }""", "unknown tokenizer 'words'")]
    [InlineData("""{ "data": "text:story.txt", "shifts": ["token-noise:1.5"], "models": [ { "name": "a", "model": "gpt-nano", "epochs": 0 } ] }""", "the token-noise fraction must be above 0 and at most 1")]
    public void Text_and_image_mismatches_are_one_line_and_exit_2(string json, string message)
    {
        string dir = Paths.NewTempFolder(), config = Path.Combine(dir, "bad.json");
        File.WriteAllText(config, json);
        var run = InProcessLla.Run(dir, "study", "--config", config, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains(message, run.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "out", "models")));
    }
}
