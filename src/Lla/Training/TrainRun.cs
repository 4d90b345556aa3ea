using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;

namespace Lla.Training;

/// <summary>What a training run (`lla train`) is asked to do.</summary>
public sealed record TrainRunOptions
{
    public required ModelSource Source { get; init; }
    public required TrainOptions Training { get; init; }
    /// <summary>Where the weights and optimizer state go (FILE), with FILE.json beside it.</summary>
    public required string Save { get; init; }
    /// <summary>Also save FILE.epochE every N epochs (a trajectory for PCA axes); 0: never.</summary>
    public int SaveEvery { get; init; }
    /// <summary>Every N epochs run `analyze`'s quick profile on the current weights into FILE.analysis/epoch-E; 0: never.</summary>
    public int AnalyzeEvery { get; init; }
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    /// <summary>What was asked, as the caller names it (recorded in FILE.json).</summary>
    public JsonObject? Record { get; init; }

    public void Validate()
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(Save));
        if (folder is not null && !Directory.Exists(folder)) throw new LlaException($"{{save}}: folder {folder} does not exist");
        if (Training.Optimizer is not ("adam" or "sgd")) throw new LlaException($"unknown optimizer '{Training.Optimizer}' (known: adam, sgd)");
        if (Training.BatchSize < 1) throw new LlaException($"{{batch-size}} must be at least 1 (got {Training.BatchSize})");
        if (Training.Epochs < 1) throw new LlaException($"{{epochs}} must be at least 1 (got {Training.Epochs})");
        if (!(Training.LearningRate > 0)) throw new LlaException($"{{lr}} must be positive (got {Training.LearningRate})");
        if (SaveEvery < 0) throw new LlaException($"{{save-every}} must not be negative (got {SaveEvery})");
        if (AnalyzeEvery < 0) throw new LlaException($"{{analyze-every}} must not be negative (got {AnalyzeEvery})");
    }
}

/// <summary>
/// Trains a model behind the numeric guard and saves it with its optimizer state (FILE) and its
/// record (FILE.json); snapshots and quick analyses during training as asked. Draws nothing: the
/// analyses' folders are listed in the record for a front end to render.
/// </summary>
public static class TrainRun
{
    public static TrainResults Execute(TrainRunOptions o, Action<string>? say = null, Action<AnalysisProgress>? progress = null)
    {
        o.Validate();
        say ??= _ => { };
        var source = o.Source;
        var clock = Stopwatch.StartNew();
        using var train = source.LoadData(Split.Train);
        using var test = source.LoadData(Split.Test);
        var model = source.Build(train);
        if (source.Device.type != TorchSharp.DeviceType.CPU) throw new LlaException("training runs on the CPU here ({device} cpu)");
        var first = train.Batches(256, 1, false, 0)[0];
        var decision = OneDnnPolicy.Decide(o.OneDnn, model, source.Float64Twin(model, train, BatchNormMode.Train), source.LossFunction, first);
        say($"numeric guard: {decision.Reason}");

        var trajectory = new List<string>();
        var analyses = new List<string>();
        TrainResult result;
        using (decision.Scope())
        {
            result = Trainer.Train(model, train, test, o.Training, source.LossFunction,
                onEpoch: (e, state) =>
                {
                    say($"epoch {e.Epoch}/{o.Training.Epochs}: train loss {e.TrainLoss:F4}, train accuracy {e.TrainAccuracy:P2}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy:P2} ({e.Seconds:F1} s)");
                    bool snapshot = o.SaveEvery > 0 && e.Epoch % o.SaveEvery == 0, analyse = o.AnalyzeEvery > 0 && e.Epoch % o.AnalyzeEvery == 0;
                    if (!snapshot && !analyse) return;
                    string checkpoint = $"{o.Save}.epoch{e.Epoch}";
                    Checkpoint.Save(checkpoint, model, state);
                    if (snapshot) trajectory.Add(Path.GetFullPath(checkpoint));
                    if (analyse)
                    {
                        string outDir = Path.Combine($"{o.Save}.analysis", $"epoch-{e.Epoch}");
                        say($"analysing epoch {e.Epoch} into {outDir}");
                        HessianRun.Execute(EpochAnalysis(source with { Weights = checkpoint }, o.OneDnn, outDir), progress);
                        analyses.Add(Path.GetFullPath(outDir));
                        if (!snapshot) File.Delete(checkpoint);
                    }
                });
            decision = OneDnnPolicy.PostCheck(decision, model, source.Float64Twin(model, train, BatchNormMode.Train), source.LossFunction, first);
        }

        Checkpoint.Save(o.Save, model, result.Optimizer);
        var last = result.Epochs[^1];
        var record = new TrainResults
        {
            Model = source.Model,
            Data = source.Data,
            Optimizer = result.Optimizer.Name,
            Seed = source.Seed,
            Options = o.Record,
            Versions = Versions.All(),
            NumericGuard = HessianRecords.Guard(decision),
            TestAccuracy = last.TestAccuracy,
            Epochs = result.Epochs.Select(e => new EpochRecord(e.Epoch, e.TrainLoss, e.TrainAccuracy, e.TestLoss, e.TestAccuracy, e.Seconds)).ToArray(),
            Trajectory = trajectory,
            Analyses = analyses,
            Seconds = clock.Elapsed.TotalSeconds,
        };
        ResultsSerializer.Write(o.Save + ".json", record);
        say($"saved {o.Save} (test accuracy {last.TestAccuracy:P2})");
        return record;
    }

    /// <summary>What an analysis during training runs: `analyze`'s quick profile on the checkpoint of that epoch.</summary>
    private static HessianRunOptions EpochAnalysis(ModelSource source, OneDnnSetting setting, string outDir) => new()
    {
        Command = "analyze",
        Source = source,
        Selection = new DataSelection(Split.Train, BatchSize: 512, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
        OneDnn = setting,
        Analysis = new HessianAnalysisOptions { TopK = 2, Trace = true, Esd = true, Runs = 1, LanczosSteps = 80, Seed = source.Seed },
        OutDir = outDir,
        LandscapeSteps = 20,
        Profile = "quick",
        Record = new JsonObject { ["source"] = "lla train --analyze-every", ["weights"] = source.Weights, ["profile"] = "quick" },
    };
}
