using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

public class LandscapeCommandTests
{
    private static JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;

    private static double[][] Loss(JsonNode plane) =>
        plane["loss"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();

    [Fact]
    public void A_run_killed_mid_grid_resumes_losing_at_most_the_point_in_flight()
    {
        string dir = Paths.NewTempFolder(), killed = Path.Combine(dir, "killed"), whole = Path.Combine(dir, "whole");
        string[] args = { "landscape", "--steps", "12", "--batch-size", "1024", "--threads", "2" };
        Assert.True(ProcessRunner.KillWhenFileHasLines("dotnet", new[] { LlaProcess.CliDll }.Concat(args).Concat(new[] { "--out", killed }),
            Path.Combine(killed, "landscape-0.points"), 25), "the run finished before it could be killed");
        int before = File.ReadAllLines(Path.Combine(killed, "landscape-0.points")).Count(l => l.EndsWith(";"));
        Assert.False(File.Exists(Path.Combine(killed, "results.json")));

        var resumed = LlaProcess.Run(args.Concat(new[] { "--out", killed, "--resume" }).ToArray());
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var plane = Results(killed)["landscapes"]![0]!;
        Assert.Equal(before, plane["points_resumed"]!.GetValue<int>());
        Assert.Equal(13 * 13 - before, plane["points_computed"]!.GetValue<int>());

        var fresh = LlaProcess.Run(args.Concat(new[] { "--out", whole }).ToArray());
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        var expected = Loss(Results(whole)["landscapes"]![0]!);
        var actual = Loss(plane);
        for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], actual[j]);

        var mismatch = LlaProcess.Run("landscape", "--steps", "14", "--out", killed, "--resume");
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains("--steps is 14 now but was 12", mismatch.Stderr);
        var again = LlaProcess.Run(args.Concat(new[] { "--out", killed }).ToArray());
        Assert.Contains("holds a finished landscape run: choose another --out, or add --force to replace it", again.Stderr);
    }

    [Fact]
    public void Adam_axes_and_the_adam_update_equation_from_a_real_training_run()
    {
        string dir = Paths.NewTempFolder();
        string model = Path.Combine(dir, "m.bin");
        var train = LlaProcess.Run("train", "--model", "mlp", "--epochs", "1", "--save", model, "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);

        string add = Path.Combine(dir, "adam");
        var outcome = LlaProcess.Run("landscape", "--model", "mlp", "--weights", model, "--axes", "adam", "--steps", "4", "--batch-size", "512", "--out", add);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = Results(add);
        var plane = results["landscapes"]![0]!;
        Assert.Equal("adam", plane["axes"]!.GetValue<string>());
        Assert.Equal("filter", plane["norm"]!.GetValue<string>());
        Assert.True(plane["axes_facts"]!["adam_step"]!.GetValue<double>() > 100);
        Assert.Equal(results["loss"]!.GetValue<double>(), Loss(plane)[2][2]);
        Assert.True(File.Exists(Path.Combine(add, "landscape-0.png")));

        string eq = Path.Combine(dir, "adameq");
        outcome = LlaProcess.Run("landscape", "--model", "mlp", "--weights", model, "--axes", "adam", "--mode", "adameq", "--norm", "none",
            "--steps", "4", "--batch-size", "512", "--out", eq);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        results = Results(eq);
        plane = results["landscapes"]![0]!;
        Assert.Equal(new[] { -1.0, -0.5, 0, 0.5, 1 }, plane["alphas"]!.AsArray().Select(v => v!.GetValue<double>()));
        var loss = Loss(plane);
        double centre = results["loss"]!.GetValue<double>();
        for (int j = 0; j < loss.Length; j++) Assert.Equal(centre, loss[j][2]); // a = 0 is θ* in every row
    }

    [Fact]
    public void Pca_axes_of_a_saved_trajectory_and_analyses_during_training()
    {
        string dir = Paths.NewTempFolder();
        string model = Path.Combine(dir, "m.bin");
        var train = LlaProcess.Run("train", "--model", "mlp", "--epochs", "3", "--save-every", "1", "--analyze-every", "3", "--save", model, "--threads", "2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.True(File.Exists(model + ".epoch1") && File.Exists(model + ".epoch3"));
        var analysis = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "m.bin.analysis", "epoch-3", "results.json")))!;
        Assert.Equal(3, analysis["landscapes"]!.AsArray().Count); // random, Hessian and Adam axes, as the seed library does during training
        Assert.NotNull(analysis["hessian"]!["criteria"]!["hesd_type"]);

        string run = Path.Combine(dir, "pca");
        var outcome = LlaProcess.Run("landscape", "--model", "mlp", "--weights", model, "--axes", "pca", "--trajectory", model + ".epoch*",
            "--norm", "none", "--steps", "4", "--distance", "4", "--batch-size", "512", "--out", run);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var plane = Results(run)["landscapes"]![0]!;
        double e1 = plane["axes_facts"]!["explained_variance_1"]!.GetValue<double>(), e2 = plane["axes_facts"]!["explained_variance_2"]!.GetValue<double>();
        Assert.True(e1 >= e2 && e1 + e2 <= 1 + 1e-9 && e1 > 0.5, $"{e1} {e2}");
        var alphas = plane["path"]!["alphas"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var betas = plane["path"]!["betas"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(3, alphas.Length);
        // The last checkpoint is the analysed model itself: the path ends at the centre.
        Assert.True(Math.Abs(alphas[2]) < 1e-4 && Math.Abs(betas[2]) < 1e-4, $"{alphas[2]}, {betas[2]}");
        Assert.True(Math.Abs(alphas[0]) > 1e-3);
    }

    [Fact]
    public void Interpolation_towards_another_checkpoint_is_a_line_through_both_models()
    {
        string dir = Paths.NewTempFolder();
        string other = Path.Combine(dir, "other.bin");
        var train = LlaProcess.Run("train", "--epochs", "1", "--save", other, "--threads", "2", "--seed", "5");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var outcome = LlaProcess.Run("landscape", "--axes", "checkpoints", "--checkpoints", other, "--norm", "none", "--steps", "4", "--distance", "2",
            "--batch-size", "512", "--out", Path.Combine(dir, "line"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var line = Results(Path.Combine(dir, "line"))["landscapes"]![0]!;
        Assert.Single(line["betas"]!.AsArray());
        Assert.Equal(new[] { -1.0, -0.5, 0, 0.5, 1 }, line["alphas"]!.AsArray().Select(v => v!.GetValue<double>()));
        // α = 1 is the other model itself: its loss on the same batch, as `lla hessian` measures it.
        var check = LlaProcess.Run("hessian", "--weights", other, "--data", "idx:" + Paths.EmbeddedData, "--top-k", "1", "--batch-size", "512",
            "--out", Path.Combine(dir, "other-run"), "--threads", "2");
        Assert.True(check.ExitCode == 0, check.Stderr);
        double otherLoss = Results(Path.Combine(dir, "other-run"))["loss"]!.GetValue<double>();
        Assert.Equal(otherLoss, Loss(line)[0][4], 5);
        Assert.True(File.Exists(Path.Combine(dir, "line", "landscape-0.png")));
    }

    [Fact]
    public void Hessian_axes_are_computed_behind_the_guard_and_recorded()
    {
        string dir = Paths.NewTempFolder();
        var outcome = LlaProcess.Run("landscape", "--axes", "hessian", "--norm", "none", "--steps", "4", "--batch-size", "256", "--out", dir, "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var results = Results(dir);
        var facts = results["landscapes"]![0]!["axes_facts"]!;
        Assert.True(facts["eigenvalue_1"]!.GetValue<double>() >= facts["eigenvalue_2"]!.GetValue<double>());
        Assert.True(facts["residual_1"]!.GetValue<double>() <= 1e-3);
        Assert.True(results["numeric_guard"]!["guard"]!["passed"]!.GetValue<bool>());
        Assert.True(File.Exists(Path.Combine(dir, "eigenvectors.bin")));
    }

    [Fact]
    public void All_modes_panel_and_several_random_planes()
    {
        string dir = Paths.NewTempFolder();
        var outcome = LlaProcess.Run("landscape", "--all-modes", "--steps", "2", "--batch-size", "256", "--out", Path.Combine(dir, "all"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var planes = Results(Path.Combine(dir, "all"))["landscapes"]!.AsArray();
        Assert.Equal(new[] { "random axes, none", "random axes, weight-L2", "random axes, filter-L1", "random axes, filter-L2",
            "hessian axes, none", "hessian axes, weight-L2", "hessian axes, filter-L1", "hessian axes, filter-L2" },
            planes.Select(pl => pl!["label"]!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(dir, "all", "landscapes-panel.png")));

        outcome = LlaProcess.Run("landscape", "--num-plots", "2", "--steps", "2", "--batch-size", "256", "--ignore-biasbn", "--freeze", "-2",
            "--out", Path.Combine(dir, "two"), "--threads", "2");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        planes = Results(Path.Combine(dir, "two"))["landscapes"]!.AsArray();
        Assert.Equal(new long[] { 42, 43 }, planes.Select(pl => pl!["seed"]!.GetValue<long>()));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias" }, planes[0]!["frozen"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotEqual(Loss(planes[0]!)[0][0], Loss(planes[1]!)[0][0]);
    }

    [Fact]
    public void Bad_landscape_options_are_one_line_errors()
    {
        string Error(params string[] args)
        {
            var outcome = LlaProcess.Run(args);
            Assert.Equal(2, outcome.ExitCode);
            Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return outcome.Stderr;
        }
        string dir = Paths.NewTempFolder();
        Assert.Contains("--steps must be an even number", Error("landscape", "--steps", "7", "--out", Path.Combine(dir, "a")));
        Assert.Contains("--mode adameq needs --axes adam", Error("landscape", "--mode", "adameq", "--out", Path.Combine(dir, "b")));
        Assert.Contains("--norm must be", Error("landscape", "--norm", "batch", "--out", Path.Combine(dir, "c")));
        Assert.Contains("has no optimizer.exp_avg", Error("landscape", "--axes", "adam", "--weights", Paths.Fixture("lenet_pytorch.pth"), "--out", Path.Combine(dir, "d")));
        Assert.Contains("--resume", Error("landscape", "--resume", "--out", Path.Combine(dir, "e")));
        Assert.False(File.Exists(Path.Combine(dir, "b", "results.json")));
    }
}
