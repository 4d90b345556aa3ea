using System.Reflection;
using System.Runtime.InteropServices;

namespace Lla.Runs;

/// <summary>The versions that produced a result, recorded in every results file.</summary>
public static class Versions
{
    public static string Lla => typeof(Versions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Versions).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string TorchSharp => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static IReadOnlyDictionary<string, string> All() => new Dictionary<string, string>
    {
        ["lla"] = Lla,
        ["torchsharp"] = TorchSharp,
        ["libtorch"] = global::TorchSharp.torch.__version__ ?? "unknown",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["cpu_threads"] = global::TorchSharp.torch.get_num_threads().ToString(),
    };
}
