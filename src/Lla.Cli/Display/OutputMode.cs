using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lla.Cli.Display;

/// <summary>What a command prints: a summary (default), nothing but errors (--quiet), or the results JSON on stdout (--json).</summary>
internal static class OutputMode
{
    public static bool Quiet { get; set; }
    public static bool Json { get; set; }

    /// <summary>Progress and summaries are shown unless --quiet or --json.</summary>
    public static bool Chatty => !Quiet && !Json && Pipeline.Cluster.IsRoot;

    public static void Say(string line)
    {
        if (Chatty) Console.WriteLine(line);
    }

    public static void Finish(JsonObject results)
    {
        if (Json && Pipeline.Cluster.IsRoot) Console.WriteLine(results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
