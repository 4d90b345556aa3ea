using System.Diagnostics;

namespace Lla.Bench;

/// <summary>Medians over repeats and the process's memory as the kernel counts it.</summary>
internal static class Timing
{
    public static double Median(Action action, int repeats)
    {
        action(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>The median of timings already taken (the upper middle one for an even count); the list is left as it is.</summary>
    public static double Median(IReadOnlyCollection<double> times) => times.Order().ElementAt(times.Count / 2);

    /// <summary>One Hessian-vector product timed, its tensors freed.</summary>
    public static double HvpSeconds(Lla.Curvature.HessianOperator op, TorchSharp.torch.Tensor v)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        return Seconds(() => op.Apply(v));
    }

    public static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Resident set size now (VmRSS) and its peak so far (VmHWM), in MiB.</summary>
    public static (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:")) rss = Kib(line) / 1024;
            else if (line.StartsWith("VmHWM:")) peak = Kib(line) / 1024;
        }
        return (rss, peak);
    }

    private static double Kib(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
