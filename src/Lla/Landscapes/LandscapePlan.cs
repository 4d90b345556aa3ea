using Lla.Runs;
using System.Text.Json.Nodes;

namespace Lla.Landscapes;

/// <summary>
/// plan.json of a landscape run folder: what was asked, written before any point is computed. A
/// folder that holds a plan is refused unless the run resumes it, and a resumed run must ask for
/// exactly what the plan holds (apart from settings that do not change results).
/// </summary>
public static class LandscapePlan
{
    public const string FileName = RunFolder.PlanFile;
    private static readonly string[] FreeToChange = { "resume", "force", "threads", "quiet", "json", "color-scale" };

    /// <summary>Creates the folder and writes its plan, or (resuming) checks the plan against <paramref name="asked"/>.</summary>
    public static RunFolder Open(string outDir, JsonObject asked, bool resume)
    {
        Check(outDir, asked, resume);
        var folder = new RunFolder(outDir);
        if (!resume) Write(folder, asked);
        return folder;
    }

    /// <summary>Writes the plan of a new run into <paramref name="folder"/> (after <see cref="Check"/> and the run's own checks).</summary>
    public static void Write(RunFolder folder, JsonObject asked) =>
        folder.Write(FileName, new JsonObject { ["command"] = "landscape", ["options"] = asked.DeepClone() });

    /// <summary>Everything <see cref="Open"/> checks, writing nothing: a new run needs a folder without a plan, a resumed one the same plan.</summary>
    public static void Check(string outDir, JsonObject asked, bool resume)
    {
        if (File.Exists(outDir)) throw new LlaException($"{{out}} {outDir} is a file, not a folder");
        string planPath = Path.Combine(outDir, FileName);
        if (resume)
        {
            if (!File.Exists(planPath)) throw new LlaException($"{{resume}}: {outDir} holds no interrupted landscape run (no {FileName})");
            var old = ReadOptions(planPath);
            foreach (var (key, value) in asked)
            {
                if (FreeToChange.Contains(key)) continue;
                string now = value?.ToJsonString() ?? "null", before = old[key]?.ToJsonString() ?? "null";
                if (now != before) throw new LlaException($"{{resume}}: {{{key}}} is {now} now but was {before} in the interrupted run; repeat its command");
            }
            return;
        }
        if (File.Exists(Path.Combine(outDir, ResultsSerializer.ResultsFile)) && File.Exists(planPath))
            throw new LlaException($"{{out}} {outDir} holds a finished landscape run: choose another {{out}}, or add {{force}} to replace it");
        if (File.Exists(planPath)) throw new LlaException($"{outDir} already holds an unfinished landscape run: add {{resume}} to finish it, choose another {{out}}, or add {{force}} to replace it");
    }

    private static JsonObject ReadOptions(string planPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(planPath))?["options"] as JsonObject ?? throw new FormatException("no options");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new LlaException($"{{resume}}: {planPath} is damaged");
        }
    }
}
