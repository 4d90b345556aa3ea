using System.Text.Json.Nodes;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>A finished study folder read back for rendering: its config and study.json (schema 1 reads as it is: the records are the same).</summary>
public static class StudyFolder
{
    public static bool IsStudy(string folder) => File.Exists(Path.Combine(folder, StudyResults.FileName));

    public static (StudyConfig Config, StudyResults Results) Load(string folder)
    {
        string configPath = Path.Combine(folder, StudyRun.ConfigFile);
        if (!File.Exists(configPath)) throw new LlaException($"{folder} holds {StudyResults.FileName} but no {StudyRun.ConfigFile}");
        return (StudyConfig.Load(configPath), ResultsSerializer.Read<StudyResults>(Path.Combine(folder, StudyResults.FileName), ResultsMigration.UpgradeOther));
    }
}
