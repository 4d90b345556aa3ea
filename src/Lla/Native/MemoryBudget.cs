namespace Lla.Native;

/// <summary>
/// Refuses work whose memory could not fit this machine, before it starts: a grid's values, a
/// Krylov basis. The limit is the memory .NET may use here (physical memory or a container's limit).
/// </summary>
public static class MemoryBudget
{
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The share of memory one piece of work may take: half the available memory.</summary>
    public static double LimitBytes => AvailableBytes / 2.0;

    /// <summary>How <see cref="LimitBytes"/> is named in refusals.</summary>
    public const string LimitWords = "half of this machine's memory";

    /// <summary>Throws when <paramref name="bytes"/> (of <paramref name="what"/>) exceeds half the available memory.</summary>
    public static void Require(double bytes, string what) => Require(bytes, what, LimitBytes, LimitWords);

    /// <summary>Throws when <paramref name="bytes"/> (of <paramref name="what"/>) exceeds <paramref name="limit"/>, named by <paramref name="limitWords"/>.</summary>
    public static void Require(double bytes, string what, double limit, string limitWords)
    {
        if (bytes > limit)
            throw new LlaException($"{what} would need {Format(bytes)}, more than the {Format(limit)} ({limitWords}) allowed: choose smaller settings");
    }

    public static string Format(double bytes) => bytes >= 1 << 30 ? $"{bytes / (1 << 30):G3} GiB" : $"{bytes / (1 << 20):G3} MiB";
}
