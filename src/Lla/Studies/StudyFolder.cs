using System.Text.Json.Nodes;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>
/// A finished study folder read back for rendering: its config, the measurements (from which the
/// outcome is derived again, deterministically: the bootstrap is seeded), and study.json's meta,
/// upgraded from older schemas.
/// </summary>
public static class StudyFolder
{
    public static bool IsStudy(string folder) => File.Exists(Path.Combine(folder, StudyResults.FileName));

    public static (StudyConfig Config, StudyResults Results) Load(string folder)
    {
        string studyPath = Path.Combine(folder, StudyResults.FileName);
        string configPath = Path.Combine(folder, StudyRun.ConfigFile);
        if (!File.Exists(configPath)) throw new LlaException($"{folder} holds {StudyResults.FileName} but no {StudyRun.ConfigFile}");
        var config = StudyConfig.Load(configPath);
        var stored = ResultsSerializer.Read<StudyResults>(studyPath, ResultsMigration.UpgradeOther);
        var done = StudyRun.ReadMeasurements(folder);
        var datasets = new[] { StudyOutcome.TrainDataset, StudyOutcome.TestDataset }.Concat(config.Shifts.Select(s => s.Name));
        var measurements = config.Models.SelectMany(m => datasets.Select(d => done.TryGetValue(StudyMeasurement.KeyOf(m.Name, d), out var x) ? x
            : throw new LlaException($"{folder}: {StudyRun.MeasurementsFile} lacks model {m.Name} on {d}"))).ToList();
        var outcome = StudyOutcome.Analyse(config, measurements);
        return (config, StudyResults.From(config, outcome, stored.Meta) with { Outcome = outcome });
    }
}
