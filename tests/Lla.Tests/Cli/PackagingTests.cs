using System.IO.Compression;
using Lla.Tests.Support;

namespace Lla.Tests.Cli;

/// <summary>`dotnet pack` gives the library as a NuGet package without a native backend, and `lla` as a .NET tool that installs from a folder feed.</summary>
[Trait(TestCategory.Name, TestCategory.Slow)]
public class PackagingTests
{
    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var outcome = ProcessRunner.Run(file, args, Paths.Root, TimeSpan.FromMinutes(8),
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        return (outcome.ExitCode, outcome.Stdout + outcome.Stderr);
    }

    [Fact]
    public void The_library_package_depends_on_torchsharp_and_no_native_backend()
    {
        string feed = Paths.NewTempFolder();
        var pack = Run("dotnet", "pack", "src/Lla", "-c", "Release", "-o", feed);
        Assert.True(pack.Code == 0, pack.Output);
        string package = Directory.GetFiles(feed, "Lla.*.nupkg").Single();
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
        string nuspec = reader.ReadToEnd();
        Assert.Contains("id=\"TorchSharp\"", nuspec);
        Assert.DoesNotContain("libtorch", nuspec);
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Lla.dll");
    }

    [Fact]
    public void The_tool_installs_from_a_folder_feed_and_runs()
    {
        string feed = Paths.NewTempFolder(), tools = Paths.NewTempFolder();
        var pack = Run("dotnet", "pack", "src/Lla.Cli", "-c", "Release", "-o", feed);
        Assert.True(pack.Code == 0, pack.Output);
        var install = Run("dotnet", "tool", "install", "--tool-path", tools, "--add-source", feed, "Lla.Cli", "--version", "0.1.0");
        Assert.True(install.Code == 0, install.Output);
        var help = Run(Path.Combine(tools, "lla"), "--help");
        Assert.True(help.Code == 0, help.Output);
        Assert.Contains("analyze", help.Output);
        Assert.Contains("landscape", help.Output);
        Directory.Delete(tools, recursive: true); // about 1 GB unpacked
        Directory.Delete(feed, recursive: true);
    }
}
