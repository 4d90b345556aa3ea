using System.Text;
using System.Text.Json.Nodes;
using Lla.Data.Text;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Training;

namespace Lla.Tests.Training;

/// <summary>
/// `lla train` on a language model the way nanoGPT trains one: AdamW with weight decay, warm-up and cosine decay,
/// clipping by global norm. A resumed training continues the optimizer's moments and the schedule exactly, and the
/// trained checkpoint is one `lla hessian` loads. A one-layer GPT of width 16 on a few kilobytes of byte-tokenized text (seconds).
/// </summary>
[Collection("console")]
public class LanguageModelTrainingTests
{
    private const string Gpt = "gpt:layers=1,heads=2,width=16,context=8,vocab=256";

    /// <summary>About 4,000 bytes of seeded sentences over a dozen words: a corpus whose next byte is easy to learn.</summary>
    private static string Corpus(string dir)
    {
        string[] words = { "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "and", "then", "runs", "away" };
        var random = new Random(7);
        var text = new StringBuilder();
        while (text.Length < 4000) text.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? ".\n" : " ");
        string path = Path.Combine(dir, "corpus.txt");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private sealed class Interrupted : Exception;

    private static TrainRunOptions Options(string corpus, string save, TextSettings text, bool resume = false) => new()
    {
        Source = ModelSource.Resolve(Gpt, ModelSource.RandomWeights, "text:" + corpus, "float64", 42) with { Text = text },
        Training = new TrainOptions
        {
            Epochs = 2, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, MinLearningRate = 0.001, Schedule = ScheduleKind.Cosine, WarmupSteps = 3,
            WeightDecay = 0.1, Beta2 = 0.95, ClipGradNorm = 0.5, BatchSize = 64, Seed = 42,
        },
        Save = save,
        Resume = resume,
    };

    [Fact]
    public void A_training_interrupted_after_an_epoch_resumes_to_identical_weights_moments_and_schedule()
    {
        TestTorch.Init();
        string dir = Paths.NewTempFolder(), corpus = Corpus(dir), cut = Path.Combine(dir, "cut.bin"), whole = Path.Combine(dir, "whole.bin");
        var text = new TextSettings(TokenizerKind.Bytes, 8, dir);
        TextDataset.Register(text);
        try
        {
            Assert.Throws<Interrupted>(() => TrainRun.Execute(Options(corpus, cut, text), line => { if (line.StartsWith("epoch 1/2")) throw new Interrupted(); }));
            Assert.True(TrainingProgress.Exists(cut));
            var point = TensorFile.Read(TrainingProgress.CheckpointPath(cut));
            long perEpoch = point["optimizer.step"].ToInt64();
            Assert.True(perEpoch > 3, $"an epoch of {perEpoch} steps is no longer than the warm-up");
            Assert.Equal(perEpoch, point["optimizer." + ScheduledOptimizer.PositionKey].ToInt64());
            foreach (var t in point.Values) t.Dispose();

            var said = new List<string>();
            TrainRun.Execute(Options(corpus, cut, text, resume: true), said.Add);
            Assert.Contains(said, l => l.StartsWith("resuming after epoch 1 of 2"));
            TrainRun.Execute(Options(corpus, whole, text));

            var a = TensorFile.Read(cut);
            var b = TensorFile.Read(whole);
            Assert.Equal(b.Keys.OrderBy(k => k), a.Keys.OrderBy(k => k));
            Assert.Contains("optimizer.exp_avg.transformer.wte.weight", a.Keys);
            Assert.Equal(2 * perEpoch, a["optimizer." + ScheduledOptimizer.PositionKey].ToInt64());
            foreach (var (name, t) in b) Assert.True(t.eq(a[name]).all().item<bool>(), $"{name} differs");
            var record = JsonNode.Parse(File.ReadAllText(cut + ".json"))!;
            Assert.Equal("adamw", record["optimizer"]!.GetValue<string>());
            var options = record["options"]!;
            Assert.Equal("cosine", options["schedule"]!.GetValue<string>());
            Assert.Equal(3, options["warmup_steps"]!.GetValue<int>());
            Assert.Equal(0.001, options["min_lr"]!.GetValue<double>());
            Assert.Equal(0.5, options["clip_grad_norm"]!.GetValue<double>());
            Assert.Equal(0.95, options["beta2"]!.GetValue<double>());

            // Another schedule is another training: its resume point is not continued.
            Assert.Throws<Interrupted>(() => TrainRun.Execute(Options(corpus, cut, text), line => { if (line.StartsWith("epoch 1/2")) throw new Interrupted(); }));
            var other = Options(corpus, cut, text, resume: true) is var o ? o with { Training = o.Training with { WarmupSteps = 2 } } : null;
            Assert.Contains("warmup-steps", Assert.Throws<LlaException>(() => TrainRun.Execute(other!)).Message);
        }
        finally { TextDataset.Register(TextSettings.Default); }
    }

    [Fact]
    public void Lla_train_with_adamw_warm_up_and_clipping_lowers_the_loss_and_writes_a_checkpoint_lla_hessian_loads()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), corpus = Corpus(cwd);
        string[] data = { "--model", Gpt, "--data", "text:" + corpus, "--tokenizer", "bytes", "--context", "8", "--threads", "1" };
        var train = InProcessLla.Run(cwd, new[] { "train" }.Concat(data).Concat(new[] { "--optimizer", "adamw", "--lr", "0.01", "--weight-decay", "0.1", "--beta2", "0.95",
            "--warmup-steps", "2", "--schedule", "cosine", "--min-lr", "0.001", "--clip-grad-norm", "1", "--epochs", "3", "--batch-size", "64", "--save", "m.bin" }).ToArray());
        Assert.True(train.ExitCode == 0, train.Stderr + train.Stdout);
        var epochs = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "m.bin.json")))!["epochs"]!.AsArray();
        var losses = epochs.Select(e => e!["train_loss"]!.GetValue<double>()).ToArray();
        Assert.Equal(3, losses.Length);
        Assert.True(losses[2] < losses[1] && losses[1] < losses[0], "train losses " + string.Join(", ", losses));
        Assert.True(losses[2] < 0.8 * Math.Log(256), "train losses " + string.Join(", ", losses)); // well below a uniform guess over the bytes
        // Each epoch records the perplexity of its losses, exp(loss), as a language model's training reports it.
        // Text has a test part: both losses have their perplexities, and the held-out loss falls too.
        foreach (var e in epochs)
            foreach (var split in new[] { "train", "test" })
                Assert.Equal(Math.Exp(e![split + "_loss"]!.GetValue<double>()), e[split + "_perplexity"]!.GetValue<double>(), 10);
        Assert.True(epochs[2]!["test_loss"]!.GetValue<double>() < epochs[0]!["test_loss"]!.GetValue<double>());

        var hessian = InProcessLla.Run(cwd, new[] { "hessian" }.Concat(data).Concat(new[] { "--weights", "m.bin", "--top-k", "1", "--batch-size", "32",
            "--eigen-max-steps", "20", "--out", "h" }).ToArray());
        Assert.True(hessian.ExitCode == 0, hessian.Stderr + hessian.Stdout);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "h", "results.json")))!;
        Assert.Equal("m.bin", Path.GetFileName(results["options"]!["weights"]!.GetValue<string>()));
        double top = results["hessian"]!["top_eigenvalues"]!.AsArray()[0]!.GetValue<double>();
        Assert.True(double.IsFinite(top) && top > 0, $"λ1 {top}");
    }
}
