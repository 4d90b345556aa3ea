using System.Text.Json.Nodes;
using Lla.Data;
using Lla.Data.Text;
using Lla.Models;
using Lla.Objectives;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// The embedded text default: `lla analyze --model gpt-bytes` without --data or --weights reads the shipped
/// "computers" fortunes (bytes, context 64) with the shipped GPT (data/README.md), as `lla analyze` reads the
/// shipped Fashion-MNIST subset with the shipped LeNet; the shipped weights give the recorded validation loss;
/// a tokenizer or context that does not fit them is one line.
/// </summary>
[Collection("console")]
public class GptDefaultTests
{
    public GptDefaultTests() => TestTorch.Init();

    /// <summary>The validation loss recorded in data/README.md (float32, the corpus's validation part, every window).</summary>
    private const double ValidationLoss = 1.9106019735336304;

    private static string Corpus => Path.Combine(Paths.Root, "data", EmbeddedDefault.TextCorpusFile);
    private static string Weights => Path.Combine(Paths.Root, "data", EmbeddedDefault.TextWeightsFile);

    [Fact]
    public void Analyze_gpt_bytes_runs_on_the_embedded_corpus_and_weights()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "analyze", "--model", "gpt-bytes", "--batch-size", "8", "--lanczos-steps", "8", "--trace-hvps", "6",
            "--eigen-tol", "1e-2", "--landscape-steps", "2", "--onednn", "off", "--threads", "1", "--out", "run", "--quiet");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr + outcome.Stdout);
        string run = Path.Combine(cwd, "run");
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!;
        var options = results["options"]!;
        Assert.Equal("gpt-bytes", (string)options["model"]!);
        Assert.Equal(EmbeddedDefault.TextDataSpec, (string)options["data"]!);
        Assert.Equal(EmbeddedDefault.TextWeights, (string)options["weights"]!);
        Assert.EndsWith(Path.Combine("defaults", "fortunes-computers.txt.gz"), (string)options["data"]!);
        Assert.EndsWith(Path.Combine("defaults", "gpt-bytes-fortunes.bin"), (string)options["weights"]!);
        Assert.Equal("bytes", (string)options["tokenizer"]!);
        Assert.Equal(64, (int)options["context"]!);
        Assert.Equal("next-token", (string)options["loss"]!);
        Assert.Equal("quick", (string)results["profile"]!);
        // Trained: far below a uniform guess over 256 bytes (ln 256 = 5.545).
        double loss = (double)results["loss"]!;
        Assert.InRange(loss, 0.5, 3.0);
        Assert.Equal(Math.Exp(loss), (double)results["perplexity"]!, 10);
        var hessian = results["hessian"]!;
        Assert.Equal(GptConfigBytesParameters, (long)hessian["parameter_count"]!);
        Assert.Equal(2, hessian["top_eigenvalues"]!.AsArray().Count);
        Assert.NotNull(hessian["trace"]);
        foreach (var key in new[] { "re", "kh", "ct", "hesd_type" }) Assert.NotNull(hessian["criteria"]![key]);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
    }

    private const long GptConfigBytesParameters = 220_544;

    [Fact]
    public void The_shipped_weights_give_the_recorded_validation_loss()
    {
        Assert.Equal(GptConfigBytesParameters, Lla.Models.Gpt.GptConfig.Bytes.ParameterCount);
        // Read directly (not through the text: registry, which in-process CLI tests set): bytes, context 64.
        using var data = TextDataset.Load(Corpus, TextPart.Validation, EmbeddedDefault.Text);
        var source = ModelSource.Resolve("gpt-bytes", Weights, "text:" + Corpus, "float32", 42);
        using var model = source.Build(data);
        model.eval();
        var batches = data.Batches(256, null, false, 0);
        try
        {
            var evaluation = new Objective(model, source.LossFunction, batches).Evaluate();
            Assert.Equal(ValidationLoss, evaluation.Loss, 1e-4);
        }
        finally { foreach (var b in batches) b.Dispose(); }
    }

    [Theory]
    [InlineData("does not fit the embedded gpt-bytes default, which was trained on bytes", "--tokenizer", "gpt2")]
    [InlineData("--tokenizer must be", "--tokenizer", "words")]
    [InlineData("--context must be at least 1", "--context", "0")]
    [InlineData("gpt-bytes has a context of 64 tokens", "--context", "65")]
    [InlineData("--weights is needed", "--data", "text:/no/such/corpus.txt")]
    public void A_text_setting_that_does_not_fit_the_embedded_gpt_is_one_line(string expected, params string[] extra)
    {
        string cwd = Paths.NewTempFolder();
        Refusal.AssertOneLine(InProcessLla.Run(cwd, new[] { "analyze", "--model", "gpt-bytes", "--out", "run" }.Concat(extra).ToArray()), expected);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }
}
