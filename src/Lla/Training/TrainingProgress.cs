using Lla.Models;
using Lla.Runs;
using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>
/// Where an interrupted training stands: FILE.resume (weights and optimizer state after the last
/// finished epoch) and FILE.resume.json (those epochs and what the training was asked), each
/// written atomically after every epoch, the checkpoint first. A resumed training continues from
/// there; a finished one removes both.
/// </summary>
public sealed record TrainingProgress(JobSettings Asked, IReadOnlyList<EpochRecord> Epochs)
{
    public static string CheckpointPath(string save) => save + ".resume";
    public static string RecordPath(string save) => save + ".resume.json";

    public static bool Exists(string save) => File.Exists(RecordPath(save)) && File.Exists(CheckpointPath(save));

    public static void Save(string save, nn.Module model, IOptimizer optimizer, TrainSettings asked, IEnumerable<EpochReport> epochs)
    {
        Checkpoint.Save(CheckpointPath(save), model, optimizer);
        ResultsSerializer.Write(RecordPath(save), new TrainingProgress(asked, epochs.Select(Record).ToArray()));
    }

    /// <summary>Loads the interrupted training into <paramref name="model"/> and returns its optimizer state and epochs; the same settings are required.</summary>
    public static (IReadOnlyDictionary<string, Tensor> OptimizerState, IReadOnlyList<EpochReport> Epochs) Load(string save, nn.Module model, TrainSettings asked)
    {
        if (!Exists(save)) throw new LlaException($"{{resume}}: {save} has no interrupted training to continue (no {Path.GetFileName(RecordPath(save))})");
        var progress = ResultsSerializer.Read<TrainingProgress>(RecordPath(save), ResultsMigration.UpgradeProgress("train"));
        if (SettingsDifference.Between(asked, progress.Asked) is { } difference)
            throw new LlaException($"{{resume}}: {difference.Named} is {difference.Now} now but was {difference.Before} in the interrupted training; repeat its command");
        WeightsLoader.Load(model, CheckpointPath(save));
        var entries = StateDictFiles.Read(CheckpointPath(save));
        var state = entries.Where(e => e.Key.StartsWith(WeightsLoader.OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Key[WeightsLoader.OptimizerPrefix.Length..], e => e.Value);
        foreach (var e in entries) if (!e.Key.StartsWith(WeightsLoader.OptimizerPrefix, StringComparison.Ordinal)) e.Value.Dispose();
        var epochs = progress.Epochs.Select(e => new EpochReport(e.Epoch, e.TrainLoss ?? double.NaN, e.TrainAccuracy ?? double.NaN,
            e.TestLoss ?? double.NaN, e.TestAccuracy ?? double.NaN, e.Seconds ?? double.NaN, e.ValidationLoss ?? double.NaN, e.ValidationAccuracy ?? double.NaN, e.FitAccuracy ?? double.NaN)).ToArray();
        return (state, epochs);
    }

    public static void Remove(string save)
    {
        File.Delete(RecordPath(save));
        File.Delete(CheckpointPath(save));
    }

    public static EpochRecord Record(EpochReport e) => new(e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.Seconds,
        double.IsNaN(e.ValidationLoss) ? null : e.ValidationLoss, double.IsNaN(e.ValidationAccuracy) ? null : e.ValidationAccuracy,
        double.IsNaN(e.FitAccuracy) ? null : e.FitAccuracy);
}
