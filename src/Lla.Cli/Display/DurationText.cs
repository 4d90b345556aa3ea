namespace Lla.Cli.Display;

/// <summary>Durations in progress lines and estimates, as people read them; a long run is never shown modulo an hour.</summary>
public static class DurationText
{
    /// <summary>05:07 under an hour, 3:05:07 under two days, then 12.5 days, then years.</summary>
    public static string Format(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "an unknown time";
        if (seconds < 3600) return $"{(int)seconds / 60:00}:{(int)seconds % 60:00}";
        if (seconds < 48 * 3600) return $"{(int)(seconds / 3600)}:{(int)seconds % 3600 / 60:00}:{(int)seconds % 60:00}";
        double days = seconds / 86400, years = days / 365.25;
        return days < 3650 ? $"{days:0.#} days" : years < 1e4 ? $"{years:0} years" : $"{years:0.##e+0} years";
    }
}
