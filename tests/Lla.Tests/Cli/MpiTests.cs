using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

public sealed class RequiresMpiFactAttribute : FactAttribute
{
    public const string Launcher = "/usr/bin/mpiexec.mpich";
    public RequiresMpiFactAttribute()
    {
        if (!File.Exists(Launcher)) Skip = $"no MPI launcher at {Launcher} (apt-get install mpich libmpich-dev) to start 2 ranks with";
    }
}

/// <summary>`lla` under `mpiexec -n 2` on one machine, against the same command as one process (slow category: several processes each).</summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class MpiTests
{
    private static ProcessRunner.Outcome Ranks(int n, params string[] args) =>
        ProcessRunner.Run(RequiresMpiFactAttribute.Launcher, new[] { "-n", n.ToString(), "dotnet", LlaProcess.CliDll }.Concat(args), Path.GetTempPath(),
            TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" });

    private static JsonNode Results(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;

    private static double[][] Loss(string dir) => Results(dir)["landscapes"]![0]!["loss"]!.AsArray()
        .Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();

    [RequiresMpiFact]
    public void A_landscape_over_two_ranks_equals_the_single_process_grid_and_only_rank_0_writes()
    {
        string dir = Paths.NewTempFolder();
        string[] args = { "landscape", "--steps", "8", "--batch-size", "512", "--threads", "1" };
        var two = Ranks(2, args.Concat(new[] { "--out", Path.Combine(dir, "two") }).ToArray());
        Assert.True(two.ExitCode == 0, two.Stderr);
        Assert.Single(two.Stdout.Split('\n'), l => l.StartsWith("Results:"));   // one rank prints
        var one = LlaProcess.Run(args.Concat(new[] { "--out", Path.Combine(dir, "one") }).ToArray());
        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Equal(Loss(Path.Combine(dir, "one")), Loss(Path.Combine(dir, "two")));
        Assert.Equal(81, File.ReadAllLines(Path.Combine(dir, "two", "landscape-0.points")).Count(l => l.EndsWith(";")));
    }

    [RequiresMpiFact]
    public void Hessian_work_over_two_ranks_equals_one_process_to_summation_order()
    {
        string dir = Paths.NewTempFolder();
        string[] args = { "hessian", "--batch-size", "256", "--batches", "4", "--top-k", "2", "--trace", "--esd", "--runs", "1", "--lanczos-steps", "20", "--threads", "1" };
        var two = Ranks(2, args.Concat(new[] { "--out", Path.Combine(dir, "two") }).ToArray());
        Assert.True(two.ExitCode == 0, two.Stderr);
        var one = LlaProcess.Run(args.Concat(new[] { "--out", Path.Combine(dir, "one") }).ToArray());
        Assert.True(one.ExitCode == 0, one.Stderr);
        var a = Results(Path.Combine(dir, "two"))["hessian"]!;
        var b = Results(Path.Combine(dir, "one"))["hessian"]!;
        // float32 products summed in another order: relative differences of order 1e-7 per HVP, so the two Lanczos runs may
        // stop at other steps. Each Ritz value lies within its residual of an eigenvalue (Bauer–Fike for symmetric matrices):
        // the two agree within the sum of their reported relative residuals, plus float32's few 1e-6.
        for (int k = 0; k < 2; k++)
        {
            double expected = b["top_eigenvalues"]![k]!.GetValue<double>(), actual = a["top_eigenvalues"]![k]!.GetValue<double>();
            double residuals = b["eigen_residuals"]![k]!.GetValue<double>() + a["eigen_residuals"]![k]!.GetValue<double>();
            Assert.Equal(expected, actual, (residuals + 1e-5) * Math.Abs(expected));
        }
        Assert.Equal(b["trace"]!.GetValue<double>(), a["trace"]!.GetValue<double>(), 1e-4 * Math.Abs(b["trace"]!.GetValue<double>()));
        Assert.Equal(b["criteria"]!["re"]!.GetValue<double>(), a["criteria"]!["re"]!.GetValue<double>(), 1e-4);
        Assert.Equal(b["criteria"]!["hesd_type"]!.GetValue<string>(), a["criteria"]!["hesd_type"]!.GetValue<string>());
    }

    [RequiresMpiFact]
    public void A_killed_two_rank_run_resumes_with_one_rank_to_the_same_grid()
    {
        string dir = Paths.NewTempFolder(), killed = Path.Combine(dir, "killed"), whole = Path.Combine(dir, "whole");
        string[] args = { "landscape", "--steps", "12", "--batch-size", "1024", "--threads", "1" };
        Assert.True(ProcessRunner.KillWhenFileHasLines(RequiresMpiFactAttribute.Launcher,
            new[] { "-n", "2", "dotnet", LlaProcess.CliDll }.Concat(args).Concat(new[] { "--out", killed }),
            Path.Combine(killed, "landscape-0.points"), 30, new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" }), "the run finished before it could be killed");
        int before = File.ReadAllLines(Path.Combine(killed, "landscape-0.points")).Count(l => l.EndsWith(";"));
        var resumed = LlaProcess.Run(args.Concat(new[] { "--out", killed, "--resume" }).ToArray());
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var plane = Results(killed)["landscapes"]![0]!;
        Assert.Equal(before, plane["points_resumed"]!.GetValue<int>());
        Assert.Equal(169 - before, plane["points_computed"]!.GetValue<int>());
        var fresh = LlaProcess.Run(args.Concat(new[] { "--out", whole }).ToArray());
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.Equal(Loss(whole), Loss(killed));
    }

    [RequiresMpiFact]
    public void More_ranks_than_batches_is_a_clear_error_that_ends_every_rank()
    {
        var run = Ranks(2, "hessian", "--batch-size", "256", "--batches", "1", "--top-k", "1", "--out", Path.Combine(Paths.NewTempFolder(), "x"), "--threads", "1");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("2 processes share 1 batch(es)", run.Stderr);
        string folder = Path.Combine(Paths.NewTempFolder(), "study");
        var study = Ranks(2, "study", "--preset", "quick", "--out", folder);
        Assert.NotEqual(0, study.ExitCode);
        Assert.Contains("lla study runs as one process", study.Stderr);
        Assert.False(Directory.Exists(folder));
    }
}
