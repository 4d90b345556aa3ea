using System.Text.Json.Nodes;
using Lla.Models;
using Lla.Tests.Data;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>
/// The `lla` command run as a separate process, as a user runs it: analyze, train then hessian, a block of the Hessian,
/// other data formats and models. Its refusals before any work run in-process (<see cref="CommandLineErrorTests"/>).
/// </summary>
public class CommandLineTests
{
    public CommandLineTests() => TestTorch.Init();

    /// <summary>A user mistake: exit code 2, exactly one line on stderr that starts with "error:", and no results file.</summary>
    private static string AssertUserError(string outDir, params string[] args)
    {
        var outcome = LlaProcess.Run(args.Concat(new[] { "--out", outDir }).ToArray());
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}; stdout: {outcome.Stdout}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.False(File.Exists(Path.Combine(outDir, "results.json")));
        return lines[0];
    }

    [Fact]
    public void A_block_of_the_hessian_by_parameter_names()
    {
        string dir = Paths.NewTempFolder();
        var outcome = LlaProcess.Run("hessian", "--params", "fc3*", "--top-k", "1", "--batch-size", "256", "--out", dir, "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        Assert.Equal(84 * 10 + 10, results["hessian"]!["parameter_count"]!.GetValue<long>());
        Assert.Equal(new[] { "fc3.weight", "fc3.bias" }, results["model"]!["analysed_parameters"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("no trainable parameter matches", AssertUserError(Paths.NewTempFolder(), "hessian", "--params", "decoder.*"));
    }

    [Fact]
    public void Your_own_data_and_models_resnet20_on_cifar10_and_regression_on_npy()
    {
        // A tiny CIFAR-10 folder (2 records per file, 10 distinct training images) and a BatchNorm ResNet-20 from a seeded init.
        // (With the same 2 images in every file, float32 Hessian-vector products were 3.6% off float64 in fc.bias, with and
        // without oneDNN, so the numeric guard refused; this test is about the data format, so its images are distinct now.)
        string dir = Paths.NewTempFolder();
        var record = new byte[3073 * 2];
        for (int i = 1; i <= 6; i++)
        {
            new Random(i).NextBytes(record);
            record[0] = 3; record[3073] = 7;
            File.WriteAllBytes(Path.Combine(dir, i <= 5 ? $"data_batch_{i}.bin" : "test_batch.bin"), record);
        }
        var outcome = LlaProcess.Run("hessian", "--model", "resnet20", "--data", "cifar10:" + dir, "--weights", "none", "--top-k", "1",
            "--batch-size", "10", "--bn", "train", "--out", Path.Combine(dir, "run"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "results.json")))!;
        Assert.Equal(272_474, results["model"]!["parameters"]!.GetValue<long>());
        Assert.Equal("train", results["bn_mode"]!.GetValue<string>());
        Assert.True(results["hessian"]!["eigen_residuals"]![0]!.GetValue<double>() <= 1e-3);

        string npy = Path.Combine(Paths.Root, "tests", "fixtures", "npy");
        string data = $"npy:{npy}/inputs_f64.npy,{npy}/targets_f32.npy";
        outcome = LlaProcess.Run("hessian", "--model", "mlp", "--data", data, "--loss", "mse", "--weights", "none", "--top-k", "2",
            "--trace", "--out", Path.Combine(dir, "npy"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "npy", "results.json")))!;
        Assert.Null(results["accuracy"]);
        Assert.Null(results["test_accuracy"]);
        Assert.Contains("--loss cross-entropy needs integer class labels", AssertUserError(Path.Combine(dir, "bad"), "hessian", "--model", "mlp", "--data", data, "--weights", "none"));
        Assert.Contains("unknown loss 'hinge'", AssertUserError(Path.Combine(dir, "bad2"), "hessian", "--loss", "hinge"));
        // An explicit class count must cover the labels (label 7 is in the CIFAR records above).
        Assert.Contains("label 7 is outside the model's 5 classes", AssertUserError(Path.Combine(dir, "bad3"), "hessian", "--model", "resnet20",
            "--data", "cifar10:" + dir, "--weights", "none", "--num-classes", "5"));
    }

    [Fact]
    public void Analyze_on_the_embedded_default_writes_a_complete_run_folder()
    {
        string dir = Paths.NewTempFolder();
        // The pinned quick profile, with fewer SLQ steps to keep the suite short.
        var outcome = LlaProcess.Run("analyze", "--lanczos-steps", "30", "--landscape-steps", "6", "--out", dir, "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Contains("HESD type", outcome.Stdout);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;
        var hessian = results["hessian"]!;
        Assert.Equal(2, hessian["top_eigenvalues"]!.AsArray().Count);
        Assert.All(hessian["eigen_residuals"]!.AsArray(), r => Assert.True(r!.GetValue<double>() <= 1e-3));
        Assert.True(hessian["trace"]!.GetValue<double>() > 0);
        Assert.NotNull(hessian["trace_stderr"]);
        Assert.Equal("hutch++", hessian["trace_method"]!.GetValue<string>());
        Assert.Equal(30, hessian["trace_hvps"]!.GetValue<int>());
        var run = hessian["esd"]!["runs"]![0]!;
        Assert.Equal(30, run["nodes"]!.AsArray().Count);
        Assert.Equal(1.0, run["weights"]!.AsArray().Sum(w => w!.GetValue<double>()), 6);
        var criteria = hessian["criteria"]!;
        foreach (var key in new[] { "re", "kh", "ct", "re_std", "kh_std", "ct_std", "kh_power", "hesd_type" }) Assert.NotNull(criteria[key]);
        Assert.True(hessian["hvp_count"]!.GetValue<long>() > 30);
        Assert.Equal(512, results["options"]!["batch_size"]!.GetValue<int>());
        Assert.Equal(30, results["options"]!["lanczos_steps"]!.GetValue<int>());
        Assert.Equal("quick", results["profile"]!.GetValue<string>());
        Assert.Equal(42, results["seed"]!.GetValue<long>());
        Assert.NotNull(results["versions"]!["torchsharp"]);
        Assert.NotNull(results["timings_s"]!["total"]);
        Assert.InRange(results["test_accuracy"]!.GetValue<double>(), 0.85, 1.0);
        Assert.True(results["numeric_guard"]!["guard"]!["passed"]!.GetValue<bool>());
        Assert.True(new FileInfo(Path.Combine(dir, "esd.png")).Length > 10_000);
        var planes = results["landscapes"]!.AsArray();
        // The embedded checkpoint was saved by `lla train --optimizer adam`, so Adam axes are drawn too.
        Assert.Equal(new[] { "random", "hessian", "adam" }, planes.Select(pl => pl!["axes"]!.GetValue<string>()));
        Assert.All(planes, pl => Assert.Equal(results["loss"]!.GetValue<double>(), pl!["loss"]![3]![3]!.GetValue<double>()));
        Assert.True(File.Exists(Path.Combine(dir, "landscape-1.png")));
        var vectors = TensorFile.Read(Path.Combine(dir, "eigenvectors.bin"));
        Assert.Equal(new long[] { 6, 1, 5, 5 }, vectors["v0.conv1.weight"].shape);
    }

    [Fact]
    public void Training_in_float64_feeds_float64_inputs()
    {
        // The training job in-process, as `lla train --model mlp --epochs 1 --dtype float64` runs it.
        string dir = Paths.NewTempFolder();
        Lla.Training.TrainRun.Execute(new Lla.Training.TrainRunOptions
        {
            Source = Lla.Objectives.ModelSource.Resolve("mlp", Lla.Objectives.ModelSource.RandomWeights, null, "float64", 42),
            Training = new Lla.Training.TrainOptions { Epochs = 1 },
            Save = Path.Combine(dir, "m.bin"),
        });
        Assert.True(File.Exists(Path.Combine(dir, "m.bin")));
    }

    [Fact]
    public void Train_saves_weights_and_optimizer_state_that_hessian_can_load()
    {
        string dir = Paths.NewTempFolder();
        string model = Path.Combine(dir, "m.bin");
        var train = LlaProcess.Run("train", "--model", "mlp", "--epochs", "1", "--save", model, "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var saved = TensorFile.Read(model);
        Assert.Contains("optimizer.exp_avg.fc1.weight", saved.Keys);
        Assert.Contains("optimizer.exp_avg_sq.fc2.bias", saved.Keys);
        var record = JsonNode.Parse(File.ReadAllText(model + ".json"))!;
        Assert.InRange(record["test_accuracy"]!.GetValue<double>(), 0.6, 1.0);
        var hessian = LlaProcess.Run("hessian", "--model", "mlp", "--weights", model, "--top-k", "1", "--batch-size", "256",
            "--out", Path.Combine(dir, "run"), "--threads", "2");
        Assert.True(hessian.ExitCode == 0, hessian.Stderr);
        Assert.True(File.Exists(Path.Combine(dir, "run", "results.json")));
    }
}

/// <summary>User mistakes refused before any work, and help: `lla` through its entry point in-process, the console captured.</summary>
[Collection("console")]
public class CommandLineErrorTests
{
    public CommandLineErrorTests() => TestTorch.Init();

    /// <summary>A user mistake: exit code 2, exactly one line on stderr that starts with "error:", and no results file.</summary>
    private static string AssertUserError(string outDir, params string[] args)
    {
        var outcome = InProcessLla.Run(Paths.NewTempFolder(), args.Concat(new[] { "--out", outDir }).ToArray());
        Assert.True(outcome.ExitCode == 2, $"exit {outcome.ExitCode}; stderr: {outcome.Stderr}; stdout: {outcome.Stdout}");
        var lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "stderr: " + outcome.Stderr);
        Assert.StartsWith("error: ", lines[0]);
        Assert.False(File.Exists(Path.Combine(outDir, "results.json")));
        return lines[0];
    }

    [Fact]
    public void Missing_weights_file()
    {
        string line = AssertUserError(Paths.NewTempFolder(), "hessian", "--weights", "/no/such/model.pth");
        Assert.Contains("weights file not found: /no/such/model.pth", line);
    }

    [Fact]
    public void Checkpoint_that_does_not_match_the_model_lists_the_mismatches()
    {
        string dir = Paths.NewTempFolder();
        string path = Path.Combine(dir, "mlp.bin");
        TensorFile.Write(path, new Mlp(784, new[] { 32 }).state_dict());
        string line = AssertUserError(Path.Combine(dir, "out"), "hessian", "--weights", path);
        Assert.Contains("does not match the model", line);
        Assert.Contains("missing: conv1.weight", line);
        Assert.Contains("mis-shaped: fc1.weight [32,784] in the file vs [120,400] in the model", line);
    }

    [Fact]
    public void Labels_outside_the_models_classes()
    {
        string dir = Paths.NewTempFolder();
        IdxTestData.Write(dir, 4, new byte[] { 1, 2, 10, 3 });
        string line = AssertUserError(Path.Combine(dir, "out"), "hessian", "--data", "idx:" + dir, "--weights", "none");
        Assert.Contains("label 10 is outside the model's 10 classes", line);
    }

    [Fact]
    public void Nan_loss()
    {
        string dir = Paths.NewTempFolder();
        string path = Path.Combine(dir, "nan.bin");
        var model = new LeNet();
        using (no_grad()) model.named_parameters().First(p => p.name == "fc3.bias").parameter.fill_(double.NaN);
        TensorFile.Write(path, model.state_dict());
        string line = AssertUserError(Path.Combine(dir, "out"), "hessian", "--weights", path);
        Assert.Contains("the loss is NaN", line);
    }

    [Fact]
    public void Zero_lanczos_steps()
    {
        string line = AssertUserError(Paths.NewTempFolder(), "hessian", "--esd", "--lanczos-steps", "0");
        Assert.Contains("--lanczos-steps must be at least 1", line);
    }

    [Fact]
    public void Unknown_model()
    {
        string line = AssertUserError(Paths.NewTempFolder(), "analyze", "--model", "transformer9000");
        Assert.Contains("unknown model 'transformer9000' (known: lenet, mlp, resnet20, resnet18, resnet34, resnet50, vgg:depth=D,width=W[,dropout=P], nin:depth=D,width=W[,dropout=P], gpt-nano, gpt-bytes, gpt2-small, gpt:layers=L,heads=H,width=W,context=T)", line);
    }

    [Fact]
    public void Other_nonsense_options()
    {
        Assert.Contains("--batches must be a positive number or 'all'", AssertUserError(Paths.NewTempFolder(), "hessian", "--batches", "0"));
        Assert.Contains("--which smallest needs --eigen-method lanczos", AssertUserError(Paths.NewTempFolder(), "hessian", "--which", "smallest", "--eigen-method", "power"));
        Assert.Contains("--profile must be quick or full", AssertUserError(Paths.NewTempFolder(), "analyze", "--profile", "huge"));
        Assert.Contains("--kh-power must not be negative", AssertUserError(Paths.NewTempFolder(), "analyze", "--kh-power", "-1"));
        Assert.Contains("--trace-hvps must be a positive multiple of 3", AssertUserError(Paths.NewTempFolder(), "hessian", "--trace", "--trace-hvps", "10"));
        Assert.Contains("--trace-method must be hutch++, hutchinson or xtrace", AssertUserError(Paths.NewTempFolder(), "hessian", "--trace", "--trace-method", "exact"));
        // No GPU here: the CUDA path is parsed and refused with the package that would provide it.
        Assert.Contains("reference libtorch-cuda-12.8-linux-x64", AssertUserError(Paths.NewTempFolder(), "hessian", "--device", "cuda:0"));
        Assert.Contains("--device must be cpu, cuda or cuda:N", AssertUserError(Paths.NewTempFolder(), "landscape", "--device", "tpu"));
    }

    [Fact]
    public void Help_is_there_for_every_command()
    {
        foreach (var command in new[] { "analyze", "hessian", "train" })
        {
            var outcome = InProcessLla.Run(Paths.NewTempFolder(), command, "--help");
            Assert.Equal(0, outcome.ExitCode);
            Assert.Contains("--seed", outcome.Stdout);
        }
    }
}
