namespace Lla.Runs;

/// <summary>Durations as people read them: one place for the estimates that long runs print and the progress clock.</summary>
public static class Durations
{
    /// <summary>An estimate: "40 s", "12 min", "3.4 h", "26 days", "3.2 years".</summary>
    public static string Estimate(double seconds) => seconds switch
    {
        < 90 => $"{seconds:F0} s",
        < 5400 => $"{seconds / 60:F0} min",
        < 2 * 86400 => $"{seconds / 3600:F1} h",
        < 2 * 365.25 * 86400 => $"{seconds / 86400:F0} days",
        _ => $"{seconds / (365.25 * 86400):G3} years",
    };

    /// <summary>A progress clock: 05:07 under an hour, 3:05:07 under two days, then 12.5 days, then years (never modulo an hour).</summary>
    public static string Clock(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "an unknown time";
        if (seconds < 3600) return $"{(int)seconds / 60:00}:{(int)seconds % 60:00}";
        if (seconds < 48 * 3600) return $"{(int)(seconds / 3600)}:{(int)seconds % 3600 / 60:00}:{(int)seconds % 60:00}";
        double days = seconds / 86400, years = days / 365.25;
        return days < 3650 ? $"{days:0.#} days" : years < 1e4 ? $"{years:0} years" : $"{years:0.##e+0} years";
    }
}
