using System.Globalization;
using System.Text.Json.Serialization;

namespace Lla.Runs;

/// <summary>How an `lla connect` run joined model A and model B: by the first of its paths that connects them, or not at all.</summary>
public enum Connection
{
    /// <summary>The straight line A → B connects them: one basin.</summary>
    [SettingName("straight_line")] StraightLine,
    /// <summary>The straight line to B with its hidden units permuted to match A's connects them: the barrier was a relabelling.</summary>
    [SettingName("straight_line_aligned")] StraightLineAligned,
    /// <summary>No straight line avoids the barrier, but the trained curve does.</summary>
    [SettingName("curve")] Curve,
    /// <summary>Every path drawn rises above its ends by more than the rule allows.</summary>
    [SettingName("not_shown")] NotShown,
}

/// <summary>The run's verdict: the connection, its sentence, the barriers in words, and the rule that decided it.</summary>
public sealed record ConnectionVerdict(Connection Connection, string Sentence, string Barriers, string Rule);

/// <summary>
/// Decides whether two models are connected (the one place that does; results store it as <c>connect.verdict</c>): a path
/// connects them when its training barrier is at most <see cref="BarrierShare"/> of the larger end loss. The paths are tried
/// in order: the straight line, the aligned straight line, then the trained curve.
/// </summary>
public static class Connectedness
{
    /// <summary>The largest barrier that still connects, as a share of the larger of the path's two end losses.</summary>
    public const double BarrierShare = 0.1;

    /// <summary>The rule in words, stored with each verdict.</summary>
    public static readonly string Rule = "Barrier: the largest excess of the loss along the path over the straight line between the two end losses. " +
                                         $"A path connects the models here when its training barrier is at most {Percent} of the larger end loss.";

    private static string Percent => (100 * BarrierShare).ToString(CultureInfo.InvariantCulture) + " %";

    /// <summary>Whether <paramref name="path"/> connects its ends: a finite training barrier at most <see cref="BarrierShare"/> of the larger end loss.</summary>
    public static bool Connects(ModePathRecord path) =>
        path.TrainLoss.Count > 0 && path.TrainBarrier <= BarrierShare * Math.Max(path.TrainLoss[0], path.TrainLoss[^1]);

    /// <summary>The verdict on the paths of one run (null when it drew none).</summary>
    public static ConnectionVerdict? Of(IReadOnlyList<ModePathRecord> paths)
    {
        if (paths.Count == 0) return null;
        var linear = paths.FirstOrDefault(p => p.Method == "linear" && !p.Aligned);
        var aligned = paths.FirstOrDefault(p => p.Method == "linear" && p.Aligned);
        var curve = paths.FirstOrDefault(p => p.Method != "linear");
        var connection = linear is not null && Connects(linear) ? Connection.StraightLine
            : aligned is not null && Connects(aligned) ? Connection.StraightLineAligned
            : curve is not null && Connects(curve) ? Connection.Curve
            : Connection.NotShown;
        string sentence = "Models A and B are " + connection switch
        {
            Connection.StraightLine => "connected by a straight line: the two models sit in one basin.",
            Connection.StraightLineAligned => "connected by a straight line once B's units are permuted to match A's: the barrier was a relabelling of hidden units.",
            Connection.Curve => $"connected by a curve: no straight line{(aligned is null ? "" : ", even after alignment,")} avoids the barrier, but the trained {curve!.Method} curve does.",
            Connection.NotShown => $"not shown to be connected: every path drawn rises above its ends by more than {Percent} of the larger end loss" +
                                   (curve is null ? " (a trained curve, --method bezier or chain, may still join them)." : "."),
        };
        return new ConnectionVerdict(connection, sentence, Barriers(linear, aligned, curve), Rule);
    }

    /// <summary>The barriers of the paths in words.</summary>
    private static string Barriers(ModePathRecord? linear, ModePathRecord? aligned, ModePathRecord? curve)
    {
        static string F(double x) => double.IsFinite(x) ? x.ToString("G3", CultureInfo.InvariantCulture) : "n/a";
        var words = new List<string>();
        if (linear is not null) words.Add($"The straight line from A to B has a training-loss barrier of {F(linear.TrainBarrier)}{(aligned is null ? "" : " before alignment")}");
        if (aligned is not null) words.Add($"{F(aligned.TrainBarrier)} after B's hidden units were permuted to match A's (weight matching)");
        string text = words.Count == 0 ? "" : string.Join(", ", words) + ".";
        if (curve is { TrainLoss.Count: > 0 })
        {
            double highest = curve.TrainLoss.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
            text += $"{(text.Length == 0 ? "" : " ")}The trained {curve.Method} curve{(curve.Aligned ? " (to the aligned B)" : "")} reaches a highest training loss of {F(highest)} " +
                    $"(barrier {F(curve.TrainBarrier)}; the ends: {F(curve.TrainLoss[0])} and {F(curve.TrainLoss[^1])}).";
        }
        return text;
    }
}
