using Lla.Curvature;
using Lla.Runs;

namespace Lla.Cli.Display;

/// <summary>What one command prints: a summary (default), nothing but errors (--quiet), or the results JSON on stdout (--json); only rank 0 prints.</summary>
internal sealed class OutputMode(bool quiet, bool json, bool isRoot)
{
    /// <summary>Progress and summaries are shown unless --quiet or --json.</summary>
    public bool Chatty => !quiet && !json && isRoot;

    public void Say(string line)
    {
        if (Chatty) Console.WriteLine(line);
    }

    /// <summary>With --json, the results on stdout (written by the one serializer).</summary>
    public void Finish<T>(T results)
    {
        if (json && isRoot) Console.WriteLine(ResultsSerializer.ToJson(results));
    }

    /// <summary>Runs a library job with its progress on the console (<see cref="ProgressDisplay"/>), closed when the job ends.</summary>
    public T WithProgress<T>(Func<Action<AnalysisProgress>, T> job)
    {
        using var progress = ProgressDisplay.Start(Chatty);
        return job(progress.Report);
    }
}
