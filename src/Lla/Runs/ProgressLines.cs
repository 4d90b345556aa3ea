using Lla.Curvature;

namespace Lla.Runs;

/// <summary>
/// Progress as plain lines, for a log where no live bar can be drawn: "[00:12] stage: started" when a stage begins,
/// then "[00:14] stage: 40 HVPs of 100, about 00:03 left" at most every <see cref="Every"/> per stage, and always at
/// a stage's end. The time left is the stage's time per unit done so far times the units left. The caller gives the
/// clock's reading with each report, so the lines depend on nothing else.
/// </summary>
public sealed class ProgressLines
{
    /// <summary>The least time between two lines of a stage (its first and its last are always written).</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private string? _stage;
    private TimeSpan _stageStart, _lastLine;

    /// <summary>The line for <paramref name="p"/>, reported <paramref name="now"/> after progress began; null when none is due.</summary>
    public string? Next(AnalysisProgress p, TimeSpan now)
    {
        if (p.Stage != _stage)
        {
            (_stage, _stageStart, _lastLine) = (p.Stage, now, now);
            return $"[{Durations.Clock(now.TotalSeconds)}] {p.Stage}: started";
        }
        bool last = p.Total is long t && p.Done >= t;
        if (!last && now - _lastLine < Every) return null;
        _lastLine = now;
        string eta = p.Total is long all && p.Done > 0
            ? $" of {all}, about {Durations.Clock(SecondsLeft(now - _stageStart, p.Done, all))} left"
            : "";
        return $"[{Durations.Clock(now.TotalSeconds)}] {p.Stage}: {p.Done} {p.Unit}{eta}";
    }

    /// <summary>The seconds left when <paramref name="done"/> of <paramref name="total"/> units took <paramref name="elapsed"/>, at the same pace.</summary>
    public static double SecondsLeft(TimeSpan elapsed, long done, long total) => elapsed.TotalSeconds / done * (total - done);
}
