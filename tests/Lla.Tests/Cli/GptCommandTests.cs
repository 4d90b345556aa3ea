using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla hessian` on a tiny GPT (one layer, width 16, context 8, byte vocabulary: 7,536 parameters) and a small
/// byte-tokenized text, in-process: the Hessian run and a GGN run write loss, perplexity, eigenvalues and
/// criteria; `--split validation` reads the text's validation part and is refused in one line for image data.
/// </summary>
[Collection("console")]
public class GptCommandTests
{
    public GptCommandTests() => TestTorch.Init();

    private const string Model = "gpt:layers=1,heads=2,width=16,context=8,vocab=256";

    /// <summary>A text of 2,400 bytes: with --tokenizer bytes and --context 8, 269 train windows, 14 validation, 14 test.</summary>
    internal static string Text(string dir)
    {
        string path = Path.Combine(dir, "story.txt");
        var words = new[] { "the", "cat", "sat", "on", "a", "mat", "and", "then", "ran", "off", "far", "away" };
        var text = new System.Text.StringBuilder();
        for (int i = 0; text.Length < 2400; i++) text.Append(words[(i * 7 + i / 5) % words.Length]).Append(i % 9 == 8 ? ". " : " ");
        File.WriteAllText(path, text.ToString()[..2400]);
        return path;
    }

    private static string[] Args(string text, string out_, params string[] extra) => new[]
    {
        "hessian", "--model", Model, "--weights", "none", "--data", "text:" + text, "--tokenizer", "bytes", "--context", "8",
        "--batch-size", "8", "--batches", "1", "--top-k", "2", "--eigen-tol", "1e-2", "--trace", "--trace-hvps", "6",
        "--esd", "--runs", "1", "--lanczos-steps", "8", "--onednn", "off", "--threads", "1", "--out", out_, "--quiet",
    }.Concat(extra).ToArray();

    private static JsonNode Results(string cwd, string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, run, "results.json")))!;

    private static void AssertAnalysis(JsonNode results, string curvature)
    {
        double loss = (double)results["loss"]!;
        // A random GPT over 256 bytes predicts close to uniformly: loss ≈ ln 256 = 5.545.
        Assert.InRange(loss, 5.0, 6.0);
        Assert.Equal(Math.Exp(loss), (double)results["perplexity"]!, 12);
        var hessian = results["hessian"]!;
        Assert.Equal(curvature, (string)hessian["operator"]!);
        Assert.Equal(7536, (long)hessian["parameter_count"]!);
        Assert.Equal(2, hessian["top_eigenvalues"]!.AsArray().Count);
        Assert.NotNull(hessian["trace"]);
        var criteria = hessian["criteria"]!;
        foreach (var key in new[] { "re", "kh", "ct", "hesd_type" }) Assert.NotNull(criteria[key]);
        Assert.Equal("next-token", (string)results["options"]!["loss"]!);
    }

    [Fact]
    public void Split_curvature_of_a_tiny_gpt_reports_h_g_and_r_with_the_residual_equal_to_h_minus_g()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        var run = InProcessLla.Run(cwd, Args(text, "split", "--split-curvature"));
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var split = Results(cwd, "split")["curvature_split"]!;
        var parts = split.AsObject().Select(kv => kv.Key).ToArray();
        Assert.True(parts.Length >= 3, string.Join(", ", parts));
        // The trace is linear, tr H = tr G + tr R; each is a Hutch++ estimate of 6 products with its own sketch, so the
        // identity holds to the estimates' spread (measured: 0.37 on tr G 53.1 and tr R −187.8, 0.15% of their sizes).
        double Trace(string key) => (double)split[key]!["trace"]!;
        var keys = parts.Where(k => split[k] is System.Text.Json.Nodes.JsonObject o && o["trace"] is not null).ToArray();
        Assert.True(keys.Length == 3, string.Join(", ", parts));
        double h = Trace(keys[0]), g = Trace(keys[1]), r = Trace(keys[2]);
        Assert.True(Math.Abs(h - (g + r)) <= 0.02 * (Math.Abs(g) + Math.Abs(r)), $"tr H {h}, tr G {g}, tr R {r}");
        Assert.True(g > 0, $"the GGN of cross-entropy is positive semi-definite: tr G {g}");
    }

    [Fact]
    public void Micro_batches_give_the_whole_batchs_eigenvalues_and_are_recorded_and_a_gpt_without_the_flag_records_its_choice()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        var whole = InProcessLla.Run(cwd, Args(text, "whole"));
        Assert.True(whole.ExitCode == 0, whole.Stderr + whole.Stdout);
        var split = InProcessLla.Run(cwd, Args(text, "split", "--micro-batch", "3"));
        Assert.True(split.ExitCode == 0, split.Stderr + split.Stdout);
        var a = Results(cwd, "whole");
        var b = Results(cwd, "split");
        Assert.Equal(3, (int)b["options"]!["micro_batch"]!);
        // No flag: the memory plan chooses the whole batch of 8 for this tiny model, and records it.
        Assert.Equal(8, (int)a["options"]!["micro_batch"]!);
        Assert.Equal((double)a["loss"]!, (double)b["loss"]!, 5);
        var ea = a["hessian"]!["top_eigenvalues"]!.AsArray().Select(x => (double)x!).ToArray();
        var eb = b["hessian"]!["top_eigenvalues"]!.AsArray().Select(x => (double)x!).ToArray();
        for (int k = 0; k < ea.Length; k++) Assert.True(Math.Abs(ea[k] - eb[k]) <= 1e-4 * Math.Abs(ea[k]), $"{ea[k]} vs {eb[k]}");
    }

    [Fact]
    public void Hessian_of_a_tiny_gpt_on_bytes_writes_loss_perplexity_eigenvalues_and_criteria()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, Args(Text(cwd), "run"));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr + outcome.Stdout);
        var results = Results(cwd, "run");
        AssertAnalysis(results, "hessian");
        Assert.Equal("train", (string)results["data"]!["split"]!);
        Assert.Equal(8, (long)results["data"]!["samples"]!);
        // The analysed data is train: the test split's next-token accuracy comes beside it.
        Assert.NotNull(results["test_accuracy"]);
    }

    [Fact]
    public void Ggn_of_a_tiny_gpt_on_the_validation_split_is_positive_semidefinite()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, Args(Text(cwd), "run", "--operator", "ggn", "--split", "validation"));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr + outcome.Stdout);
        var results = Results(cwd, "run");
        AssertAnalysis(results, "ggn");
        Assert.Equal("validation", (string)results["data"]!["split"]!);
        Assert.Equal("validation", (string)results["options"]!["split"]!);
        // 2,400 bytes: validation is bytes [2160, 2280), 120 tokens, 14 windows of 8 + 1 (one token shared), one batch of 8.
        Assert.Equal(8, (long)results["data"]!["samples"]!);
        var values = results["hessian"]!["top_eigenvalues"]!.AsArray().Select(v => (double)v!).ToArray();
        // G ⪰ 0: its largest-magnitude eigenvalues are positive (float32 rounding is far below them).
        Assert.All(values, v => Assert.True(v > 0, $"GGN eigenvalue {v}"));
        Assert.True((double)results["hessian"]!["trace"]! > 0);
    }

    [Fact]
    public void A_float16_lanczos_basis_is_recorded_and_gives_float32s_eigenvalues_and_density()
    {
        string cwd = Paths.NewTempFolder();
        string text = Text(cwd);
        var plain = InProcessLla.Run(cwd, Args(text, "plain"));
        Assert.True(plain.ExitCode == 0, plain.Stderr + plain.Stdout);
        var half = InProcessLla.Run(cwd, Args(text, "half", "--lanczos-basis-dtype", "float16"));
        Assert.True(half.ExitCode == 0, half.Stderr + half.Stdout);
        var a = Results(cwd, "plain");
        var b = Results(cwd, "half");
        // null: the analysis dtype (what every earlier run did).
        Assert.Null(a["options"]!["lanczos_basis_dtype"]);
        Assert.Equal("float16", (string)b["options"]!["lanczos_basis_dtype"]!);
        var ea = a["hessian"]!["top_eigenvalues"]!.AsArray().Select(x => (double)x!).ToArray();
        var eb = b["hessian"]!["top_eigenvalues"]!.AsArray().Select(x => (double)x!).ToArray();
        for (int k = 0; k < ea.Length; k++) Assert.True(Math.Abs(ea[k] - eb[k]) <= 1e-5 * Math.Abs(ea[k]), $"{ea[k]} vs {eb[k]}");
        // SLQ's trace comes from the unrounded start vector: float32's; the nodes within 2e-5 of the largest
        // (docs/eigenpairs.md, "The basis's dtype").
        var sa = a["hessian"]!["esd"]!;
        var sb = b["hessian"]!["esd"]!;
        Assert.True(Math.Abs((double)sa["trace_estimate"]! - (double)sb["trace_estimate"]!) <= 1e-9 * Math.Abs((double)sa["trace_estimate"]!));
        var na = sa["runs"]![0]!["nodes"]!.AsArray().Select(x => (double)x!).ToArray();
        var nb = sb["runs"]![0]!["nodes"]!.AsArray().Select(x => (double)x!).ToArray();
        double top = na.Max(Math.Abs);
        Assert.All(na.Zip(nb), p => Assert.True(Math.Abs(p.First - p.Second) <= 2e-5 * top, $"node {p.First} vs {p.Second}"));
        // float32 analyses cannot store float64 rows.
        Refusal.AssertOneLine(InProcessLla.Run(cwd, Args(text, "wide", "--lanczos-basis-dtype", "float64")), "--lanczos-basis-dtype float64 is wider than the analysis's float32");
        Refusal.AssertOneLine(InProcessLla.Run(cwd, Args(text, "odd", "--lanczos-basis-dtype", "int8")), "--lanczos-basis-dtype must be float32, float16, bfloat16 or float64");
    }

    [Fact]
    public void Split_validation_on_image_data_is_one_line_and_leaves_no_folder()
    {
        string cwd = Paths.NewTempFolder();
        // The embedded default data (Fashion-MNIST) has train and test only.
        var line = Refusal.AssertOneLine(InProcessLla.Run(cwd, "hessian", "--split", "validation", "--out", "run"), "has no validation split");
        Assert.Contains("--split train or --split test", line);
        Refusal.AssertOneLine(InProcessLla.Run(cwd, "hessian", "--split", "valid", "--out", "run"), "--split must be");
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }
}
