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

    /// <summary>
    /// What a whole planned run (a GPT's Hessian run: parameters, activations, bases) may hold at its peak: 85% of the
    /// available memory. Its parts follow one another (the eigen basis, then the SLQ basis), each planned within it.
    /// </summary>
    public static double RunLimitBytes => AvailableBytes * 0.85;

    /// <summary>How <see cref="RunLimitBytes"/> is named in refusals.</summary>
    public const string RunLimitWords = "85% of this machine's memory";

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
