using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// The bad-input suite: for each command, numeric options at NaN, ±∞, 0, negative and huge values,
/// and path options missing, a folder, empty, truncated and garbage. An invalid value gets one
/// line on stderr ("error: …"), exit code 2, and leaves no file behind; a valid one runs normally.
/// Run in-process through `lla`'s own entry point (they are refused before any work).
/// </summary>
[Collection("console")]
public class BadInputTests
{
    private static readonly string Work = Paths.NewTempFolder();

    static BadInputTests()
    {
        File.WriteAllBytes(Path.Combine(Work, "empty.bin"), Array.Empty<byte>());
        var weights = File.ReadAllBytes(Paths.EmbeddedWeights);
        File.WriteAllBytes(Path.Combine(Work, "truncated.bin"), weights[..(weights.Length / 2)]);
        File.WriteAllBytes(Path.Combine(Work, "garbage.bin"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        File.WriteAllText(Path.Combine(Work, "garbage.json"), "{ \"name\": \"x\", \"models\": [ ");
        File.WriteAllText(Path.Combine(Work, "empty.json"), "");
        Directory.CreateDirectory(Path.Combine(Work, "a-folder"));
        File.WriteAllText(Path.Combine(Work, "no-data.json"), """{ "name": "x", "data": "idx:/no/such/fashion-mnist", "models": [ { "name": "a", "model": "mlp", "epochs": 1 } ] }""");
    }

    public static TheoryData<string, string> Invalid()
    {
        var cases = new TheoryData<string, string>();
        void Add(string expected, params string[] args) => cases.Add(string.Join(" ", args), expected);
        // hessian: numbers
        foreach (var v in new[] { "NaN", "Infinity", "-Infinity" }) Add("must be a finite number", "hessian", "--eigen-tol", v);
        Add("--eigen-tol must be positive", "hessian", "--eigen-tol", "0");
        Add("--eigen-tol must be positive", "hessian", "--eigen-tol", "-1");
        Add("must be a finite number", "hessian", "--kh-power", "NaN");
        Add("--kh-power must not be negative", "hessian", "--kh-power", "-0.5");
        Add("must be a finite number", "hessian", "--ct-threshold", "Infinity");
        Add("--batch-size must be at least 1", "hessian", "--batch-size", "0");
        Add("--batch-size must be at least 1", "hessian", "--batch-size", "-3");
        Add("see `lla hessian --help`", "hessian", "--batch-size", "99999999999");
        Add("see `lla hessian --help`", "hessian", "--batch-size", "NaN");
        Add("--lanczos-steps must be at least 1", "hessian", "--esd", "--lanczos-steps", "0");
        Add("--lanczos-steps 2000000000 vectors", "hessian", "--esd", "--lanczos-steps", "2000000000");
        Add("--runs must be at least 1", "hessian", "--esd", "--runs", "0");
        Add("--top-k must not be negative", "hessian", "--top-k", "-1");
        Add("exceeds the number of parameters", "hessian", "--top-k", "1000000");
        Add("--trace-hvps must be a positive multiple of 3", "hessian", "--trace", "--trace-hvps", "0");
        Add("--threads must be at least 1", "hessian", "--threads", "0");
        Add("--threads 100000 is more than", "hessian", "--threads", "100000");
        Add("--batches must be a positive number or 'all'", "hessian", "--batches", "-1");
        Add("--num-classes must be at least 1", "hessian", "--num-classes", "0");
        Add("see `lla hessian --help`", "hessian", "--seed", "abc");
        Add("see `lla hessian --help`", "hessian", "--no-such-option");
        // hessian: paths
        Add("weights file not found", "hessian", "--weights", "/no/such/file.pth");
        Add("is a folder: give the weights file itself", "hessian", "--weights", Path.Combine(Work, "a-folder"));
        Add("empty.bin", "hessian", "--weights", Path.Combine(Work, "empty.bin"));
        Add("truncated.bin", "hessian", "--weights", Path.Combine(Work, "truncated.bin"));
        Add("garbage.bin", "hessian", "--weights", Path.Combine(Work, "garbage.bin"));
        Add("no/such/folder", "hessian", "--model", "mlp", "--weights", "none", "--data", "idx:/no/such/folder");
        Add("a-folder", "hessian", "--model", "mlp", "--weights", "none", "--data", "idx:" + Path.Combine(Work, "a-folder"));
        Add("--data", "hessian", "--model", "mlp", "--weights", "none", "--data", "nonsense");
        Add("garbage.bin", "hessian", "--model", "mlp", "--weights", "none", "--data", $"npy:{Path.Combine(Work, "garbage.bin")},{Path.Combine(Work, "garbage.bin")}");
        // landscape
        foreach (var v in new[] { "NaN", "Infinity" }) Add("must be a finite number", "landscape", "--distance", v);
        Add("see `lla landscape --help`", "landscape", "--distance", "inf");
        Add("--distance must be positive", "landscape", "--distance", "0");
        Add("--distance must be positive", "landscape", "--distance", "-1");
        Add("is too large: at most", "landscape", "--distance", "1e308");
        Add("--steps must be an even number", "landscape", "--steps", "7");
        Add("--steps must be an even number", "landscape", "--steps", "0");
        Add("--steps must be an even number", "landscape", "--steps", "-2");
        Add("a grid of", "landscape", "--steps", "100000000");
        Add("--loss-cap must be positive", "landscape", "--loss-cap", "0");
        Add("must be a finite number", "landscape", "--loss-cap", "NaN");
        Add("--num-plots must be at least 1", "landscape", "--num-plots", "0");
        Add("--order must be 1 or 2", "landscape", "--order", "3");
        Add("--eigen-pair must be two different indices", "landscape", "--eigen-pair", "1,1");
        Add("--mode adameq needs --axes adam", "landscape", "--mode", "adameq");
        Add("--color-scale must be log or linear", "landscape", "--color-scale", "rainbow");
        Add("checkpoint not found", "landscape", "--axes", "checkpoints", "--checkpoints", "/no/such.bin");
        Add("--hessian-run", "landscape", "--axes", "hessian", "--hessian-run", "/no/such/run");
        Add("--resume", "landscape", "--resume");
        // analyze
        Add("--landscape-steps must be 0 or an even number", "analyze", "--landscape-steps", "3");
        Add("--landscape-steps must be 0 or an even number", "analyze", "--landscape-steps", "-2");
        Add("--profile must be quick or full", "analyze", "--profile", "huge");
        // train (its output is --save)
        foreach (var v in new[] { "NaN", "-Infinity" }) Add("must be a finite number", "train", "--lr", v, "--save", "m.bin");
        Add("--lr must be positive", "train", "--lr", "0", "--save", "m.bin");
        Add("--lr must be positive", "train", "--lr", "-0.1", "--save", "m.bin");
        Add("must be a finite number", "train", "--momentum", "NaN", "--save", "m.bin");
        Add("--epochs must be at least 1", "train", "--epochs", "0", "--save", "m.bin");
        Add("--epochs must be at least 1", "train", "--epochs", "-4", "--save", "m.bin");
        Add("--batch-size must be at least 1", "train", "--batch-size", "0", "--save", "m.bin");
        Add("--save-every must not be negative", "train", "--save-every", "-1", "--save", "m.bin");
        Add("--analyze-every must not be negative", "train", "--analyze-every", "-1", "--save", "m.bin");
        Add("folder", "train", "--save", "/no/such/folder/m.bin");
        Add("see `lla train --help`", "train");
        Add("--resume: ", "train", "--resume", "--save", "m.bin");
        // study
        Add("give either --config FILE or --preset", "study");
        Add("unknown preset", "study", "--preset", "huge");
        Add("not found", "study", "--config", "/no/such/config.json");
        Add("a-folder", "study", "--config", Path.Combine(Work, "a-folder"));
        Add("empty.json", "study", "--config", Path.Combine(Work, "empty.json"));
        Add("garbage.json", "study", "--config", Path.Combine(Work, "garbage.json"));
        Add("--threads must be at least 1", "study", "--preset", "quick", "--threads", "-1");
        // lla study has no --data: a missing data folder names the config's "data".
        Add("data folder not found: /no/such/fashion-mnist (\"data\" of the study config)", "study", "--config", Path.Combine(Work, "no-data.json"));
        // measure
        Add("--only: unknown family 'bogus'", "measure", "--only", "curvature,bogus");
        Add("--labels must be true or predicted", "measure", "--labels", "maybe");
        Add("--sharpness-batch 100 must divide --sharpness-samples 1024", "measure", "--sharpness-batch", "100");
        Add("--init: initial weights not found", "measure", "--init", "/no/such/init.bin");
        Add("must be a finite number", "measure", "--rho-l2", "NaN");
        Add("--sam-rho must be positive", "measure", "--sam-rho", "0");
        Add("--rho-linf must be positive", "measure", "--rho-linf", "0");
        Add("--rho-l2 must be positive", "measure", "--rho-l2", "-1");
        Add("--validation-split must be at least 0 and below 1", "train", "--validation-split", "1", "--save", "m.bin");
        // report and compare
        Add("run folder not found", "report", "/no/such/run");
        Add("holds no results.json", "report", Path.Combine(Work, "a-folder"));
        Add("run folder not found", "compare", "/no/such/run");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_value_is_one_line_exit_2_and_leaves_no_file(string command, string expected)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var args = command.Split(' ').ToList();
        if (args[0] is "hessian" or "landscape" or "analyze" or "study" or "measure") args.AddRange(new[] { "--out", "run" });
        var outcome = InProcessLla.Run(cwd, args.ToArray());
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}; stdout: {outcome.Stdout}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    public static TheoryData<string> Valid() => new()
    {
        "landscape --freeze -1 --steps 2 --batch-size 64 --threads 2",
        "landscape --freeze 8 --freeze-names conv1.* --steps 2 --batch-size 64 --distance 1e-9",
        "hessian --seed 0 --batch-size 64 --top-k 1 --lanczos-steps 4 --threads 1",
        "hessian --seed -5 --batch-size 64 --top-k 0 --esd --runs 1 --lanczos-steps 3 --kh-power 0 --ct-threshold -1e9",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void A_valid_edge_value_runs_normally(string command)
    {
        TestTorch.Init();
        string cwd = Paths.NewTempFolder();
        var outcome = InProcessLla.Run(cwd, command.Split(' ').Concat(new[] { "--out", "run", "--quiet" }).ToArray());
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.True(File.Exists(Path.Combine(cwd, "run", "results.json")));
        Assert.False(File.Exists(Path.Combine(cwd, "run", ".lla.lock")));
    }
}
