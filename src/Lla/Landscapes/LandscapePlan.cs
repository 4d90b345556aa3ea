using Lla.Runs;

namespace Lla.Landscapes;

/// <summary>
/// plan.json of a landscape run folder: what was asked (<see cref="LandscapeSettings"/> under <c>options</c>), written
/// before any point is computed. A folder that holds a plan is refused unless the run resumes it, and a resumed run
/// must ask for exactly what the plan holds (<see cref="SettingsDifference"/>; an older version's plan is upgraded first).
/// </summary>
public static class LandscapePlan
{
    public const string FileName = RunFolder.PlanFile;

    /// <summary>plan.json's content.</summary>
    public sealed record Plan(string Command, JobSettings Options)
    {
        public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    }

    /// <summary>Creates the folder and writes its plan, or (resuming) checks the plan against <paramref name="asked"/>.</summary>
    public static RunFolder Open(string outDir, LandscapeSettings asked, bool resume)
    {
        Check(outDir, asked, resume);
        var folder = new RunFolder(outDir);
        if (!resume) Write(folder, asked);
        return folder;
    }

    /// <summary>Writes the plan of a new run into <paramref name="folder"/> (after <see cref="Check"/> and the run's own checks).</summary>
    public static void Write(RunFolder folder, LandscapeSettings asked) => folder.Write(FileName, new Plan("landscape", asked));

    /// <summary>The settings of the plan in <paramref name="outDir"/>, or null when there is none or it cannot be read.</summary>
    public static JobSettings? Read(string outDir)
    {
        string path = Path.Combine(outDir, FileName);
        if (!File.Exists(path)) return null;
        try { return ResultsSerializer.Read<Plan>(path, ResultsMigration.UpgradeOther).Options; }
        catch (LlaException) { return null; }
    }

    /// <summary>Everything <see cref="Open"/> checks, writing nothing: a new run needs a folder without a plan, a resumed one the same plan.</summary>
    public static void Check(string outDir, LandscapeSettings asked, bool resume)
    {
        if (File.Exists(outDir)) throw new LlaException($"{{out}} {outDir} is a file, not a folder");
        string planPath = Path.Combine(outDir, FileName);
        if (resume)
        {
            if (!File.Exists(planPath)) throw new LlaException($"{{resume}}: {outDir} holds no interrupted landscape run (no {FileName})");
            var old = Read(outDir) ?? throw new LlaException($"{{resume}}: {planPath} is damaged");
            if (SettingsDifference.Between(asked, old) is { } difference)
                throw new LlaException($"{{resume}}: {difference.Named} is {difference.Now} now but was {difference.Before} in the interrupted run; repeat its command");
            return;
        }
        if (File.Exists(Path.Combine(outDir, ResultsSerializer.ResultsFile)) && File.Exists(planPath))
            throw new LlaException($"{{out}} {outDir} holds a finished landscape run: choose another {{out}}, or add {{force}} to replace it");
        if (File.Exists(planPath)) throw new LlaException($"{outDir} already holds an unfinished landscape run: add {{resume}} to finish it, choose another {{out}}, or add {{force}} to replace it");
    }
}
