using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>The examples run as their own programs (slow category: each is a process, one of them a study).</summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class ExampleTests
{
    [Fact]
    public void The_custom_model_example_analyses_its_own_module_and_loss()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(Paths.Root, "examples", "CustomModel", "bin", here.Parent!.Name, here.Name, "CustomModel.dll");
        Assert.True(File.Exists(dll), $"build the example first: {dll}");
        var outcome = ProcessRunner.Run("dotnet", new[] { dll }, timeout: TimeSpan.FromMinutes(2));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        string stdout = outcome.Stdout;
        Assert.Contains("top eigenvalues", stdout);
        Assert.Contains("HESD type MP", stdout);
        // The landscape centre is the objective's value at the trained weights.
        var lines = stdout.Split('\n');
        string loss = lines.First(l => l.StartsWith("loss ")).Split(' ')[1];
        Assert.Contains($"landscape centre {loss}", stdout);
    }

    private static string ExampleDll(string name)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(Paths.Root, "examples", name, "bin", here.Parent!.Name, here.Name, name + ".dll");
        Assert.True(File.Exists(dll), $"build the example first: {dll}");
        return dll;
    }

    private static string Run(string name, params string[] args)
    {
        // The limit is for a hung process, as LlaProcess's: in the slow category the heavy tests run side by side, and the study
        // example took more than 4 minutes there on a loaded 2-core machine.
        var outcome = ProcessRunner.Run("dotnet", new[] { ExampleDll(name) }.Concat(args), timeout: TimeSpan.FromMinutes(10));
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        return outcome.Stdout;
    }

    [Fact]
    public void The_hessian_plane_example_cancelled_mid_grid_resumes_to_the_uninterrupted_grid()
    {
        string dir = Paths.NewTempFolder(), cut = Path.Combine(dir, "cut"), whole = Path.Combine(dir, "whole");
        Assert.Contains("interrupted after 20 points", Run("HessianPlane", cut, "20"));
        Assert.Contains("61 points computed, 20 resumed", Run("HessianPlane", cut));
        Assert.Contains("81 points computed, 0 resumed", Run("HessianPlane", whole));
        double[][] Loss(string run) => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, "results.json")))!["landscapes"]![0]!["loss"]!
            .AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();
        Assert.Equal(Loss(whole), Loss(cut));
    }

    [Fact]
    public void The_study_example_runs_a_study_from_a_config_object_and_resumes_without_work()
    {
        string dir = Path.Combine(Paths.NewTempFolder(), "study");
        string first = Run("StudyFromConfig", dir);
        Assert.Contains("mlp-adam on noise:4: accuracy", first);
        Assert.Contains("The claim", first);
        Assert.True(File.Exists(Path.Combine(dir, "study.json")));
        string again = Run("StudyFromConfig", dir);
        Assert.Contains("resuming: 6 measurements already", again);
        Assert.DoesNotContain("epoch 1/1", again);
    }
}
