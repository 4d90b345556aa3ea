using Lla.Tests.Support;

namespace Lla.Tests.Cli;

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
}
