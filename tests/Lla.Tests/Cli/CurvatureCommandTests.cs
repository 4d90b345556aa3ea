using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// `lla hessian`'s curvature options (--split-curvature, --per-layer, --diagonal) through the
/// command line, in-process: a bad value is one line, exit 2 and no file; a small run writes its
/// payload, figure and page.
/// </summary>
[Collection("console")]
public class CurvatureCommandTests
{
    public CurvatureCommandTests() => TestTorch.Init();

    public static TheoryData<string, string> Invalid() => new()
    {
        { "hessian --split-curvature --trace-hvps 4", "--trace-hvps must be a positive multiple of 3" },
        { "hessian --split-curvature --lanczos-steps 0", "--lanczos-steps must be at least 1" },
        { "hessian --per-layer --params nothing.*", "no trainable parameter matches" },
        { "hessian --block-spectra --params fc3.*", "--block-spectra compares blocks, and the analysed parameters form only one (fc3)" },
        { "hessian --diagonal --diagonal-hvps 1", "--diagonal-hvps must be at least 2" },
        { "landscape --axes hessian --eigen-pair max,min --hessian-run elsewhere", "leave out --hessian-run" },
        { "landscape --axes hessian --eigen-pair max", "or max,min" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_bad_value_is_one_line_exit_2_and_leaves_no_file(string command, string expected)
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run" }).ToArray());
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void Block_spectra_writes_its_payload_heat_map_and_page()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "hessian --block-spectra --params conv2.*,fc2.*,fc3.* --onednn off --batch-size 16 --top-k 0 --runs 1 --lanczos-steps 5 --out run --quiet".Split(' '));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!;
        Assert.True((bool)results["options"]!["block_spectra"]!);
        var b = results["block_spectra"]!;
        Assert.Equal(new[] { "conv2", "fc2", "fc3" }, b["blocks"]!.AsArray().Select(x => (string)x!["name"]!));
        var matrix = b["js_distance"]!.AsArray();
        Assert.Equal(3, matrix.Count);
        Assert.Equal(0.0, (double)matrix[1]![1]!);
        double mean = ((double)matrix[0]![1]! + (double)matrix[0]![2]! + (double)matrix[1]![2]!) / 3;
        Assert.Equal(mean, (double)b["mean_js_distance"]!, 12);
        Assert.Equal(1001, b["blocks"]![0]!["density"]!.AsArray().Count);
        Assert.Equal(5, (int)b["lanczos_steps"]!);
        Assert.True(File.Exists(Path.Combine(cwd, "run", "block-spectra.png")));
        Assert.Contains("Block heterogeneity", File.ReadAllText(Path.Combine(cwd, "run", "report.html")));
    }

    [Fact]
    public void Split_curvature_per_layer_and_diagonal_write_their_payloads_files_and_page()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "hessian --split-curvature --per-layer --diagonal --diagonal-hvps 4 --params conv2.*,fc3.* --onednn off --batch-size 16 --top-k 2 --eigen-tol 1e-2 --trace-hvps 6 --lanczos-steps 6 --out run --quiet".Split(' '));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!;
        var split = results["curvature_split"]!;
        Assert.Equal("ggn", (string)split["ggn"]!["operator"]!);
        Assert.Equal(2, split["residual"]!["top_eigenvalues"]!.AsArray().Count);
        Assert.Equal(2, split["angles_hessian_ggn"]!["cosines"]!.AsArray().Count);
        // G is positive semi-definite: float32 SLQ leaves at most rounding below zero.
        double gNegative = (double)split["ggn_mass"]!["negative"]!, gPositive = (double)split["ggn_mass"]!["positive"]!;
        Assert.True(gNegative <= 1e-5 * gPositive, $"G's negative mass {gNegative} vs positive {gPositive}");
        // The run's own Hessian analysis is the split's H (trace and density on).
        Assert.Equal((double)results["hessian"]!["trace"]!, (double)split["hessian"]!["trace"]!);
        Assert.True(File.Exists(Path.Combine(cwd, "run", "curvature-split.png")));
        // --per-layer: one analysis per layer of the analysed parameters, the trace sum beside the run's trace.
        var layers = results["per_layer"]!["layers"]!.AsArray();
        Assert.Equal(new[] { "conv2", "fc3" }, layers.Select(l => (string)l!["name"]!));
        Assert.Equal((long)results["hessian"]!["parameter_count"]!, layers.Sum(l => (long)l!["dimension"]!));
        Assert.Equal((double)results["hessian"]!["trace"]!, (double)results["per_layer"]!["full_trace"]!);
        Assert.True(File.Exists(Path.Combine(cwd, "run", "per-layer.png")));
        // --diagonal: the file and its per-layer summary.
        var diagonal = results["diagonal"]!;
        Assert.Equal(4, (int)diagonal["probes"]!);
        Assert.Equal(new[] { "conv2", "fc3" }, diagonal["layers"]!.AsArray().Select(l => (string)l!["name"]!));
        Assert.True(File.Exists(Path.Combine(cwd, "run", "diagonal.bin")));
        Assert.Contains("weighted by the loss gradient", File.ReadAllText(Path.Combine(cwd, "run", "report.html")));
    }

    [Fact]
    public void A_max_min_hessian_plane_states_its_pair_eigenvalues_and_residuals()
    {
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, "landscape --axes hessian --eigen-pair max,min --norm none --steps 2 --batch-size 16 --onednn off --out run --quiet".Split(' '));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(cwd, "run", "results.json")))!;
        var facts = results["landscapes"]![0]!["axes_facts"]!;
        Assert.True((double)facts["eigenvalue_max"]! > 0 && (double)facts["eigenvalue_min"]! < 0, facts.ToJsonString());
        Assert.True((double)facts["residual_max"]! <= 1e-2 && (double)facts["residual_min"]! <= 1e-2, facts.ToJsonString());
        Assert.Equal("max,min", (string)results["options"]!["eigen_pair"]!);
    }
}
