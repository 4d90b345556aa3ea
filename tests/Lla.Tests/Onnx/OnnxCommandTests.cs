using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Onnx;

/// <summary>`--model onnx:FILE` through the command line: analyze and a Hessian-axes landscape on each fixture.</summary>
[Collection("console")]
public class OnnxCommandTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet")]
    [InlineData("batchnorm_cnn")]
    [InlineData("transformer")]
    public void Analyze_and_a_hessian_axes_landscape_run_on_an_onnx_model(string name)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), model = "onnx:" + Path.Combine(Paths.Root, "tests", "fixtures", "onnx", name + ".onnx");
        string data = "idx:" + Paths.EmbeddedData;
        var analyze = InProcessLla.Run(cwd, "analyze", "--model", model, "--data", data, "--batch-size", "64", "--lanczos-steps", "10",
            "--trace-hvps", "6", "--landscape-steps", "2", "--threads", "2", "--out", "a", "--quiet");
        Assert.True(analyze.ExitCode == 0, analyze.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "a", "results.json")))!;
        Assert.Equal(model, results["model"]!["name"]!.GetValue<string>());
        Assert.True(double.IsFinite(results["hessian"]!["top_eigenvalues"]![0]!.GetValue<double>()));

        var landscape = InProcessLla.Run(cwd, "landscape", "--model", model, "--data", data, "--axes", "hessian", "--batch-size", "64",
            "--steps", "2", "--threads", "2", "--out", "l", "--quiet");
        Assert.True(landscape.ExitCode == 0, landscape.Stderr);
        var plane = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "l", "results.json")))!["landscapes"]![0]!;
        Assert.Equal("hessian", plane["axes"]!.GetValue<string>());
        Assert.True(plane["axes_facts"]!["eigenvalue_1"]!.GetValue<double>() != 0);
    }

    /// <summary>tied_cnn.onnx's merged BatchNorm tensors are said where the user reads: results.json, the console summary's rows and the page.</summary>
    [Fact]
    public void A_tied_initializer_is_noted_in_the_results_the_summary_and_the_page()
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder(), model = "onnx:" + Paths.Fixture(Path.Combine("onnx-zoo", "tied_cnn.onnx"));
        var run = InProcessLla.Run(cwd, "hessian", "--model", model, "--data", "idx:" + Paths.EmbeddedData, "--batch-size", "32",
            "--top-k", "1", "--lanczos-steps", "5", "--threads", "2", "--out", "t");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var notes = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "t", "results.json")))!["model"]!["file_notes"]!.AsArray()
            .Select(n => n!.GetValue<string>()).ToList();
        Assert.NotEmpty(notes);
        Assert.All(notes, n => Assert.Contains("one tied parameter, and the Hessian is taken over it", n));
        // The console summary's rows (the console itself is Spectre's, bound to the first test's output in a full run).
        Assert.Contains(Lla.Reports.HessianSummary.Rows(Lla.Runs.ResultsSerializer.ReadRun(Path.Combine(cwd, "t"))),
            row => row.Quantity == "model note" && row.Value.Contains("one tied parameter"));
        Assert.Contains("one tied parameter", File.ReadAllText(Path.Combine(cwd, "t", "report.html")));

        var plain = InProcessLla.Run(cwd, "hessian", "--model", "onnx:" + Path.Combine(Paths.Root, "tests", "fixtures", "onnx", "lenet.onnx"),
            "--data", "idx:" + Paths.EmbeddedData, "--batch-size", "32", "--top-k", "1", "--lanczos-steps", "5", "--threads", "2", "--out", "p", "--quiet");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "p", "results.json")))!["model"]!["file_notes"]);
    }

    [Fact]
    public void A_missing_onnx_file_is_one_line()
    {
        string cwd = Paths.NewTempFolder();
        var run = InProcessLla.Run(cwd, "hessian", "--model", "onnx:/no/such.onnx", "--data", "idx:" + Paths.EmbeddedData, "--out", "x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ONNX file not found: /no/such.onnx", run.Stderr);
    }
}
