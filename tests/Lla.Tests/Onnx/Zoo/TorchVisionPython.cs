using Lla.Tests.Support;

namespace Lla.Tests.Onnx.Zoo;

/// <summary>Debian's /usr/bin/python3 with PyTorch and TorchVision, which make_zoo.py needs to export the big architectures.</summary>
internal static class TorchVisionPython
{
    public const string Path = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Path)) return $"no {Path}";
        try
        {
            var run = ProcessRunner.Run(Path, new[] { "-c", "import torch, torchvision" }, timeout: TimeSpan.FromMinutes(2));
            return run.ExitCode == 0 ? null : $"{Path} cannot import torch and torchvision (apt-get install python3-torchvision)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{Path} does not run ({e.Message})";
        }
    });

    /// <summary>Why the big architectures cannot be exported here, or null when they can.</summary>
    public static string? WhyNot => Missing.Value;
}

/// <summary>A theory over architectures whose exports are not committed: skipped, with the reason shown, without PyTorch.</summary>
public sealed class RequiresTorchVisionTheoryAttribute : TheoryAttribute
{
    public RequiresTorchVisionTheoryAttribute()
    {
        if (TorchVisionPython.WhyNot is { } reason)
            Skip = $"the uncommitted ONNX zoo exports are made by tests/fixtures/onnx-zoo/make_zoo.py, and {reason}";
    }
}
