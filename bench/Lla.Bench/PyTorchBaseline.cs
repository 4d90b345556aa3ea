using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Lla.Bench;

/// <summary>
/// Runs bench/baseline/pytorch_baseline.py (Debian's python3-torch) on the same weights, data and
/// threads, either as its users run it or with the process settings lla applies to itself
/// (glibc keeps freed memory, OpenMP waits passively).
/// </summary>
internal static class PyTorchBaseline
{
    public static readonly Dictionary<string, string> TunedEnvironment = new()
    {
        ["MALLOC_MMAP_THRESHOLD_"] = "2147483647",
        ["MALLOC_TRIM_THRESHOLD_"] = "2147483647",
        ["OMP_WAIT_POLICY"] = "PASSIVE",
    };

    public static JsonNode? Run(string root, Workload w, int threads, int repeats, string items, bool tuned, string python = "/usr/bin/python3")
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            Path.Combine(root, "bench", "baseline", "pytorch_baseline.py"), "--workload", w.Name, "--weights", w.WeightsFile,
            "--data", w.DataFolder, "--batch", w.Batch.Count.ToString(), "--threads", threads.ToString(), "--repeats", repeats.ToString(), "--items", items,
        }) info.ArgumentList.Add(a);
        info.Environment.Remove("OMP_WAIT_POLICY"); // this process set it for itself; "as users run it" means without
        if (tuned) foreach (var (k, v) in TunedEnvironment) info.Environment[k] = v;
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"baseline failed ({process.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
                return null;
            }
            return JsonNode.Parse(stdout.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"{python} not found: the PyTorch baseline is skipped");
            return null;
        }
    }
}
