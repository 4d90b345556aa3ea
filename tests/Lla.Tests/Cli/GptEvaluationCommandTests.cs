using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla landscape`, `lla measure` and `lla connect` on a tiny GPT (one layer, width 16, context 8, byte vocabulary) and a
/// small byte-tokenized text, in-process, one thread: every axis kind that applies gives real numbers whose centre is the
/// model's own loss, `--micro-batch` changes no number, the measure families that apply are finite and the others say
/// why, and the ends of linear and Bezier paths have the end models' test losses as `lla train` recorded them.
/// </summary>
[Collection("console")]
public class GptEvaluationCommandTests
{
    public GptEvaluationCommandTests() => TestTorch.Init();

    private static readonly string[] Gpt =
    {
        "--model", "gpt:layers=1,heads=2,width=16,context=8,vocab=256", "--tokenizer", "bytes", "--context", "8", "--threads", "1", "--onednn", "off", "--quiet",
    };

    /// <summary>GptCommandTests' text of 2,400 bytes: 269 train windows of 8 tokens, 14 validation, 14 test.</summary>
    private static string Text(string dir) => GptCommandTests.Text(dir);

    private static void Lla(string cwd, string text, params string[] args)
    {
        var outcome = InProcessLla.Run(cwd, args.Concat(Gpt).Concat(new[] { "--data", "text:" + text }).ToArray());
        Assert.True(outcome.ExitCode == 0, string.Join(" ", args) + ": " + outcome.Stderr + outcome.Stdout);
    }

    private static JsonNode Results(string cwd, string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, run, "results.json")))!;

    private static void Train(string cwd, string text, string save, string optimizer, long seed, int epochs = 2) =>
        Lla(cwd, text, "train", "--epochs", epochs.ToString(), "--batch-size", "32", "--optimizer", optimizer, "--lr", "0.01", "--seed", seed.ToString(),
            "--save", save, "--save-every", "1");

    private static double[,] Grid(JsonNode plane, string key)
    {
        var rows = plane[key]!.AsArray();
        var grid = new double[rows.Count, rows[0]!.AsArray().Count];
        for (int i = 0; i < rows.Count; i++)
            for (int j = 0; j < grid.GetLength(1); j++) grid[i, j] = (double)rows[i]![j]!;
        return grid;
    }

    /// <summary>Every point finite, and the centre point's loss the model's own loss (the run's, at the weights).</summary>
    private static double[,] AssertPlane(JsonNode results, int k = 0)
    {
        var loss = Grid(results["landscapes"]![k]!, "loss");
        foreach (double v in loss) Assert.True(double.IsFinite(v), $"plane {k}: {v}");
        double centre = loss[loss.GetLength(0) / 2, loss.GetLength(1) / 2], atWeights = (double)results["loss"]!;
        Assert.True(Math.Abs(centre - atWeights) <= 1e-6 * atWeights, $"plane {k}: centre {centre} vs the model's loss {atWeights}");
        // Not a flat plane: the points away from the centre differ from it.
        Assert.Contains(loss.Cast<double>(), v => Math.Abs(v - centre) > 1e-4);
        return loss;
    }

    private static string[] Landscape(string out_, string weights, params string[] extra) =>
        new[] { "landscape", "--weights", weights, "--steps", "2", "--batch-size", "8", "--batches", "1", "--out", out_ }.Concat(extra).ToArray();

    [Fact]
    public void Random_and_hessian_planes_of_a_random_gpt_centre_on_its_loss_and_micro_batches_change_no_point()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        Lla(cwd, text, Landscape("whole", "none"));
        Lla(cwd, text, Landscape("split", "none", "--micro-batch", "3"));
        Lla(cwd, text, Landscape("hessian", "none", "--axes", "hessian"));
        var whole = Results(cwd, "whole");
        var split = Results(cwd, "split");
        // A random GPT over 256 bytes predicts close to uniformly: loss ≈ ln 256 = 5.545.
        Assert.InRange((double)whole["loss"]!, 5.0, 6.0);
        Assert.Equal(Math.Exp((double)whole["loss"]!), (double)whole["perplexity"]!, 9);
        var a = AssertPlane(whole);
        var b = AssertPlane(split);
        Assert.Equal(3, (int)split["options"]!["micro_batch"]!);
        Assert.Null(whole["options"]!["micro_batch"]);
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                Assert.True(Math.Abs(a[i, j] - b[i, j]) <= 1e-6 * a[i, j], $"({i},{j}): {b[i, j]} in micro-batches vs {a[i, j]}");
        var accuracyA = Grid(whole["landscapes"]![0]!, "accuracy");
        var accuracyB = Grid(split["landscapes"]![0]!, "accuracy");
        Assert.Equal(accuracyA.Cast<double>(), accuracyB.Cast<double>());
        var hessian = Results(cwd, "hessian");
        AssertPlane(hessian);
        Assert.Equal("hessian", (string)hessian["landscapes"]![0]!["axes"]!);
        Assert.True(Math.Abs((double)hessian["landscapes"]![0]!["axes_facts"]!["eigenvalue_1"]!) > 0);
    }

    [Fact]
    public void Adam_pca_and_checkpoint_planes_of_a_trained_gpt_centre_on_its_loss_and_missing_moments_name_adamw()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        Train(cwd, text, "a.bin", "adamw", 1);
        Train(cwd, text, "b.bin", "adamw", 2);
        Lla(cwd, text, Landscape("adam", "a.bin", "--axes", "adam"));
        Lla(cwd, text, Landscape("pca", "a.bin", "--axes", "pca", "--trajectory", "a.bin.epoch1,a.bin.epoch2"));
        Lla(cwd, text, Landscape("checkpoints", "a.bin", "--axes", "checkpoints", "--checkpoints", "b.bin"));
        foreach (var run in new[] { "adam", "pca", "checkpoints" })
        {
            var results = Results(cwd, run);
            AssertPlane(results);
            Assert.InRange((double)results["loss"]!, 0.5, 5.6);
        }
        // Trained: below the random model's ln 256.
        Assert.True((double)Results(cwd, "adam")["loss"]! < Math.Log(256));
        Assert.True(Results(cwd, "adam")["landscapes"]![0]!["axes_facts"]!["adam_step"] is not null);

        // SGD saves no moments: the refusal names both optimizers that do.
        Train(cwd, text, "sgd.bin", "sgd", 3, epochs: 1);
        var refused = InProcessLla.Run(cwd, Landscape("sgd", "sgd.bin", "--axes", "adam").Concat(Gpt).Concat(new[] { "--data", "text:" + text }).ToArray());
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("adamw", refused.Stderr);
    }

    [Fact]
    public void Measure_on_a_gpt_gives_finite_curvature_baseline_and_sharpness_and_says_why_of_the_rest()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        Lla(cwd, text, "measure", "--weights", "none", "--batch-size", "16", "--batches", "1", "--runs", "1", "--lanczos-steps", "6",
            "--sharpness-samples", "16", "--sharpness-batch", "8", "--micro-batch", "5", "--out", "m");
        var results = Results(cwd, "m");
        double loss = (double)results["loss"]!;
        Assert.InRange(loss, 5.0, 6.0);
        var measures = results["measures"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => m!);
        foreach (var name in new[] { "lambda_max", "trace", "re", "hessian_frobenius", "re_predicted", "batch_loss", "batch_accuracy",
                     "sharpness_sam", "sharpness_adaptive_linf", "sharpness_adaptive_l2", "sharpness_average" })
            Assert.True(measures[name]["value"] is JsonValue v && double.IsFinite((double)v), $"{name}: {measures[name].ToJsonString()}");
        // The largest-magnitude eigenvalue (at a random init it may be negative).
        Assert.True(Math.Abs((double)measures["lambda_max"]["value"]!) > 0);
        // The baseline is the loss on the same samples.
        Assert.Equal(loss, (double)measures["batch_loss"]["value"]!, 6);
        // Families that need [batch, classes] outputs or large enough layers give no value, and say why.
        foreach (var name in new[] { "margin", "pacbayes_flatness", "confidence_mean", "ww_alpha" })
        {
            Assert.Null(measures[name]["value"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)measures[name]["reason"]), name);
        }
    }

    [Fact]
    public void Linear_and_bezier_paths_between_two_trained_gpts_end_at_their_test_losses()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        Train(cwd, text, "a.bin", "adamw", 1, epochs: 1);
        Train(cwd, text, "b.bin", "adamw", 2, epochs: 1);
        Lla(cwd, text, "connect", "--weights", "a.bin", "--to", "b.bin", "--method", "bezier", "--points", "3", "--epochs", "1",
            "--batch-size", "64", "--plane-steps", "2", "--out", "c");
        Lla(cwd, text, "connect", "--weights", "a.bin", "--to", "b.bin", "--points", "3", "--batch-size", "64", "--micro-batch", "5", "--out", "split");
        double TestLoss(string file) => (double)JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, file + ".json")))!["epochs"]!.AsArray()[^1]!["test_loss"]!;
        double a = TestLoss("a.bin"), b = TestLoss("b.bin");
        Assert.True(Math.Abs(a - b) > 1e-4, "two different models");
        var paths = Results(cwd, "c")["paths"]!.AsArray();
        Assert.Equal(new[] { "linear", "bezier" }, paths.Select(p => (string)p!["method"]!).ToArray());
        var split = Results(cwd, "split")["paths"]!.AsArray();
        Assert.Equal(5, (int)Results(cwd, "split")["options"]!["micro_batch"]!);
        foreach (var path in paths.Concat(split))
        {
            var test = path!["test_loss"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.True(Math.Abs(test[0] - a) <= 1e-6 * a, $"{path["method"]}: t = 0 test loss {test[0]} vs model A's {a}");
            Assert.True(Math.Abs(test[^1] - b) <= 1e-6 * b, $"{path["method"]}: t = 1 test loss {test[^1]} vs model B's {b}");
            Assert.All(path["train_loss"]!.AsArray(), v => Assert.True(double.IsFinite((double)v!)));
        }
        // The straight line in micro-batches of 5 is the straight line.
        var line = paths[0]!["train_loss"]!.AsArray().Select(v => (double)v!).ToArray();
        var splitLine = split[0]!["train_loss"]!.AsArray().Select(v => (double)v!).ToArray();
        for (int i = 0; i < line.Length; i++) Assert.True(Math.Abs(line[i] - splitLine[i]) <= 1e-6 * line[i], $"t {i}: {splitLine[i]} vs {line[i]}");
    }
}
