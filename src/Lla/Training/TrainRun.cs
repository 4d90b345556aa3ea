using Lla.Analysis;
using Lla.Guard;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;
using Lla.TensorBoard;
using static TorchSharp.torch;

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
    /// <summary>Hold out this last share of the training split (0: none) as a validation set, recorded as <c>holdout:F:DATA</c> (what ATC and DoC calibrate on).</summary>
    public double ValidationSplit { get; init; }
    /// <summary>Train on the first this-many samples of the training split (after the validation share is held out); null: all (a study's <c>train_samples</c>).</summary>
    public int? TrainSamples { get; init; }
    /// <summary>Evaluate the test and validation sets after the last epoch only (a study's models with a stopping rule: the study measures them
    /// afterwards, and with a few thousand training samples the per-epoch evaluation of a 10,000-image test set would cost most of the training).</summary>
    public bool EvaluateLastEpochOnly { get; init; }
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    /// <summary>Continue the interrupted training of <see cref="Save"/> (see <see cref="TrainingProgress"/>).</summary>
    public bool Resume { get; init; }
    /// <summary>A TensorBoard log folder for this run's event files (see <see cref="TrainingEvents"/>); null: none.</summary>
    public string? TensorBoard { get; init; }

    /// <summary>The check after the training (tests replace it to inject a fault); null: <see cref="NumericGuard.Check"/>.</summary>
    internal Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>, LossFunction, Batch, GuardReport>? PostTrainingCheck { get; init; }

    /// <summary>The settings that decide the weights: FILE.json's <c>options</c>, compared on resume.</summary>
    public TrainSettings Settings => ModelSettings.Of(new TrainSettings(), Source) with
    {
        Epochs = Training.Epochs, Optimizer = Training.Optimizer, LearningRate = Training.LearningRate, Momentum = Training.Momentum,
        WeightDecay = Training.WeightDecay, Beta1 = Training.Beta1, Beta2 = Training.Beta2, Schedule = Training.Schedule, WarmupSteps = Training.WarmupSteps,
        MinLearningRate = Training.MinLearningRate, ClipGradNorm = Training.ClipGradNorm, BatchSize = Training.BatchSize, ValidationSplit = ValidationSplit, SaveEvery = SaveEvery,
        AnalyzeEvery = AnalyzeEvery, OneDnn = OneDnn, Gradient = Training.Gradient.ToString(), Augment = Training.Augment is not null, LabelNoise = Training.LabelNoise,
        StopAccuracy = Training.StopAccuracy, TrainSamples = TrainSamples ?? 0,
    };

    /// <summary>The largest learning rate accepted: beyond it a step only diverges (and Adam's step scale no longer fits float32).</summary>
    public const double MaxLearningRate = 1e6;

    /// <summary>Refuses every setting that cannot make a training, before any work (nothing is written).</summary>
    public void Validate()
    {
        string full = Path.GetFullPath(Save);
        if (Directory.Exists(full)) throw new LlaException($"{{save}} {Save} is a folder: give the file to write the model to (FILE, with FILE.json beside it)");
        if (Directory.Exists(full + ".json")) throw new LlaException($"{{save}}: {Save}.json is a folder, and the training's record goes there");
        // A symbolic link is written through: the model replaces the link's target, whose folder must exist.
        string? folder = Path.GetDirectoryName(TensorFile.WriteTarget(full));
        if (folder is not null && !Directory.Exists(folder)) throw new LlaException($"{{save}}: folder {folder} does not exist");
        if (Training.BatchSize < 1) throw new LlaException($"{{batch-size}} must be at least 1 (got {Training.BatchSize})");
        if (Training.Epochs < 1) throw new LlaException($"{{epochs}} must be at least 1 (got {Training.Epochs})");
        if (!(Training.LearningRate > 0)) throw new LlaException($"{{lr}} must be positive (got {Training.LearningRate})");
        if (!(Training.LearningRate <= MaxLearningRate)) throw new LlaException($"{{lr}} must be at most {MaxLearningRate:G} (got {Training.LearningRate:G}): a step that large only diverges");
        if (!(Training.Momentum >= 0 && Training.Momentum < 1)) throw new LlaException($"{{momentum}} must be at least 0 and below 1 (got {Training.Momentum})");
        if (!(Training.WeightDecay >= 0)) throw new LlaException($"{{weight-decay}} must not be negative (got {Training.WeightDecay})");
        Trainer.ValidateSettings(Training);
        if (!(Training.LabelNoise >= 0 && Training.LabelNoise <= 1)) throw new LlaException($"label noise must be a fraction in [0, 1] (got {Training.LabelNoise})");
        if (!(ValidationSplit >= 0 && ValidationSplit < 1)) throw new LlaException($"{{validation-split}} must be at least 0 and below 1 (got {ValidationSplit})");
        if (SaveEvery < 0) throw new LlaException($"{{save-every}} must not be negative (got {SaveEvery})");
        if (SaveEvery > Training.Epochs) throw new LlaException($"{{save-every}} {SaveEvery} is more than {{epochs}} {Training.Epochs}: no epoch would be saved");
        if (AnalyzeEvery < 0) throw new LlaException($"{{analyze-every}} must not be negative (got {AnalyzeEvery})");
        if (AnalyzeEvery > Training.Epochs) throw new LlaException($"{{analyze-every}} {AnalyzeEvery} is more than {{epochs}} {Training.Epochs}: no epoch would be analysed");
        if (TensorBoard is not null) TrainingEvents.CheckFolder(TensorBoard);
        if (Resume && !TrainingProgress.Exists(Save))
            throw new LlaException($"{{resume}}: {Save} has no interrupted training to continue (no {Path.GetFileName(TrainingProgress.RecordPath(Save))})");
        if (!Resume && TrainingProgress.Exists(Save))
            throw new LlaException($"{Save} has an interrupted training ({Path.GetFileName(TrainingProgress.RecordPath(Save))}): add {{resume}} to continue it, or delete it to start again");
    }
}

/// <summary>
/// Trains a model behind the numeric guard and saves it with its optimizer state (FILE) and its
/// record (FILE.json); snapshots and quick analyses during training as asked; after every epoch
/// a resumable checkpoint (<see cref="TrainingProgress"/>), so a killed training continues with {resume}. Draws nothing: the
/// analyses' folders are listed in the record for a front end to render.
/// </summary>
public static class TrainRun
{
    public static TrainResults Execute(TrainRunOptions o, Action<string>? say = null, Action<AnalysisProgress>? progress = null)
    {
        o.Validate();
        say ??= _ => { };
        using var runLock = RunLock.ForJob(Path.GetDirectoryName(Path.GetFullPath(o.Save))!, Parallel.SingleProcess.Instance, say, Path.GetFileName(o.Save));
        var wroteInit = new StrongBox<bool>();
        bool finished = false;
        try
        {
            var results = Train(o, say, progress, wroteInit);
            finished = true;
            return results;
        }
        catch (TrainingDivergedException)
        {
            // The same settings diverge again (every random choice is seeded): its resume point is no use.
            TrainingProgress.Remove(o.Save);
            throw;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            // A full disk or a failing device while writing: what the training reached is kept if it can be resumed.
            string kept = TrainingProgress.Exists(o.Save)
                ? $"the training up to its last finished epoch is kept in {TrainingProgress.CheckpointPath(o.Save)}: make room and add {{resume}} to continue it"
                : "nothing was kept";
            // .NET appends the temporary file's path (" : '/…/FILE.tmp-123'"), which no longer exists: the reason is enough.
            string reason = System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s*:\s*'[^']*'\s*$", "").TrimEnd('.');
            throw new LlaException($"could not write the training's files beside {o.Save} ({reason}); {kept}", e);
        }
        finally
        {
            // θ₀ (FILE.init) belongs to a finished training or to one that can be resumed; not to a failed one.
            if (!finished && (wroteInit.Value || o.Resume) && !TrainingProgress.Exists(o.Save)) File.Delete(o.Save + ".init");
        }
    }

    private static TrainResults Train(TrainRunOptions o, Action<string> say, Action<AnalysisProgress>? progress, StrongBox<bool> wroteInit)
    {
        var source = o.Source;
        string? validation = o.ValidationSplit > 0 ? DataSpec.Holdout(o.ValidationSplit, source.Data) : null;
        var clock = Stopwatch.StartNew();
        // With a validation split the model trains on the rest of the training split; the test split stays the data's own.
        string trainSpec = validation ?? source.Data;
        if (o.TrainSamples is int samples) trainSpec = DataSpec.First(samples, trainSpec);
        using var train = (source with { Data = trainSpec }).LoadData(Split.Train);
        using var noisy = o.Training.LabelNoise > 0 ? LabelNoise.Apply(train, o.Training.LabelNoise, o.Training.Seed) : null;
        using var test = DataSpec.HasTestSplit(source.Data) ? source.LoadData(Split.Test) : null;
        using var held = validation is null ? null : (source with { Data = validation }).LoadData(Split.Test);
        // A warm-up as long as the run is refused once the data's size is known, before anything is written.
        Trainer.Schedule(o.Training, train.Count);
        if (o.Training.StopAccuracy > 0 && !train.IsClassification)
            throw new LlaException($"the stopping rule (a study's stop_accuracy) reads an accuracy, and {source.Data}'s targets are not classes: drop stop_accuracy");
        var model = source.Build(train);
        // θ₀ beside the checkpoint, for dist_init and the PAC-Bayes bounds (lla measure finds it there).
        if (!o.Resume)
        {
            wroteInit.Value = true;
            Checkpoint.Save(o.Save + ".init", model, null);
        }
        if (source.Device.type != TorchSharp.DeviceType.CPU) throw new LlaException("training runs on the CPU here ({device} cpu)");
        // A GPT's guard takes one window, as an analysis's: 64 windows of vocabulary-wide float64 logits would not fit.
        using var first = train.Batches(NumericGuard.BatchSizeFor(model), 1, false, 0)[0];
        var decision = OneDnnPolicy.Decide(o.OneDnn, model, source.Float64Twin(model, train, BatchNormMode.Train), source.LossFunction, first, GuardProbe.Training);
        say($"numeric guard: {decision.Reason}");
        var refusedAnalyses = new List<string>();

        var asked = o.Settings;
        var resume = o.Resume ? TrainingProgress.Load(o.Save, model, asked) : ((IReadOnlyDictionary<string, TorchSharp.torch.Tensor>, IReadOnlyList<EpochReport>)?)null;
        if (resume is { } r) say($"resuming after epoch {r.Item2.Count} of {o.Training.Epochs}: {Count(r.Item2.Count, "epoch")} kept");
        var trajectory = new List<string>();
        var analyses = new List<string>();
        var history = new List<EpochReport>(resume?.Item2 ?? Array.Empty<EpochReport>());
        foreach (var kept in history)
        {
            // What the interrupted run already wrote for its epochs is kept, as an uninterrupted run lists it.
            if (o.SaveEvery > 0 && kept.Epoch % o.SaveEvery == 0 && File.Exists($"{o.Save}.epoch{kept.Epoch}")) trajectory.Add(Path.GetFullPath($"{o.Save}.epoch{kept.Epoch}"));
            string analysis = Path.Combine($"{o.Save}.analysis", $"epoch-{kept.Epoch}");
            if (o.AnalyzeEvery > 0 && kept.Epoch % o.AnalyzeEvery == 0 && Directory.Exists(analysis)) analyses.Add(Path.GetFullPath(analysis));
        }
        TrainResult result;
        using var board = o.TensorBoard is null ? null : new EventFileWriter(o.TensorBoard);
        using (decision.Scope())
        {
            result = Trainer.Train(model, noisy ?? train, test, o.Training, source.LossFunction, resume: resume, validation: held, evaluateLastEpochOnly: o.EvaluateLastEpochOnly,
                onStep: (epoch, step, count, _) => progress?.Invoke(Steps((epoch - 1L) * count + step, (long)o.Training.Epochs * count)),
                onEpoch: (e, state) =>
                {
                    history.Add(e);
                    TrainingProgress.Save(o.Save, model, state, asked, history);
                    if (board is not null) TrainingEvents.Epoch(board, e);
                    say(EpochLine(e, o.Training.Epochs, perplexity: source.Loss == Objectives.LossKind.NextToken));
                    bool snapshot = o.SaveEvery > 0 && e.Epoch % o.SaveEvery == 0, analyse = o.AnalyzeEvery > 0 && e.Epoch % o.AnalyzeEvery == 0;
                    if (!snapshot && !analyse) return;
                    string checkpoint = $"{o.Save}.epoch{e.Epoch}";
                    Checkpoint.Save(checkpoint, model, state);
                    if (snapshot) trajectory.Add(Path.GetFullPath(checkpoint));
                    if (analyse)
                    {
                        string outDir = Path.Combine($"{o.Save}.analysis", $"epoch-{e.Epoch}");
                        say($"analysing epoch {e.Epoch} into {outDir}");
                        try
                        {
                            var analysed = HessianRun.Execute(EpochAnalysis(source with { Weights = checkpoint }, o, validation, outDir), progress);
                            if (board is not null) TrainingEvents.Analysis(board, e.Epoch, analysed);
                            analyses.Add(Path.GetFullPath(outDir));
                        }
                        catch (NumericGuardException refused)
                        {
                            // The analysis is not trustworthy; the training is not affected by it and goes on.
                            say($"epoch {e.Epoch}: analysis not written: {refused.Render(n => "--" + n)}");
                            refusedAnalyses.Add($"epoch {e.Epoch}: {refused.Render(n => "--" + n)}");
                        }
                        if (!snapshot) File.Delete(checkpoint);
                    }
                });
            if (decision.Guard is not null)
            {
                // The guard again on the trained weights: oneDNN's fault is intermittent. A failure does not lose the
                // training: the weights are saved with the verdict in FILE.json, and the run reports the failed check.
                using var twin = source.Float64Twin(model, train, BatchNormMode.Train)();
                var check = o.PostTrainingCheck ?? ((m, t, l, b) => NumericGuard.Check(m, t, l, b, GuardProbe.Training));
                decision = decision with { PostCheck = check(model, twin, source.LossFunction, first) };
            }
        }
        // Recorded and shown as the command line names its options (--onednn, --dtype).
        string? failedCheck = decision.PostCheck is { Passed: false } failed
            ? new LlaException($"the numeric guard failed after the training: float32 differs from float64 far beyond rounding ({failed.Finding}), so its epochs may have used wrong gradients; " +
              $"the weights are saved in {o.Save} with this verdict in {o.Save}.json; {OneDnnPolicy.Remedy(decision).Replace("rerun", "train again")} to be sure of them").Render(n => "--" + n)
            : refusedAnalyses.Count > 0 ? $"the analysis of {Count(refusedAnalyses.Count, "epoch")} was refused ({refusedAnalyses[0]}); the training and its weights are saved in {o.Save}" : null;

        Checkpoint.Save(o.Save, model, result.Optimizer);
        var last = result.Epochs[^1];
        if (result.Epochs.Count < o.Training.Epochs)
            say($"stopped after epoch {last.Epoch} of {o.Training.Epochs}: accuracy on the training samples {last.FitAccuracy:P2} reached the stopping rule's {o.Training.StopAccuracy:P1}");
        var record = new TrainResults
        {
            Model = source.Model,
            Data = source.Data,
            Optimizer = result.Optimizer.Name,
            Seed = source.Seed,
            Options = asked,
            Versions = Versions.All(),
            NumericGuard = HessianRecords.Guard(decision),
            TestAccuracy = last.TestAccuracy,
            Epochs = result.Epochs.Select(TrainingProgress.Record).Select(r => source.Loss == Objectives.LossKind.NextToken ? r.WithPerplexities() : r).ToArray(),
            Trajectory = trajectory,
            Analyses = analyses,
            // Relative to the checkpoint's folder, so the record still finds it when the folder moves (the embedded default's does).
            Validation = validation is null ? null : DataSpec.RelativeTo(validation, Path.GetDirectoryName(Path.GetFullPath(o.Save))!),
            TensorBoard = o.TensorBoard is null ? null : Path.GetFullPath(o.TensorBoard),
            Seconds = clock.Elapsed.TotalSeconds,
            FailedCheck = failedCheck,
        };
        ResultsSerializer.Write(o.Save + ".json", record);
        TrainingProgress.Remove(o.Save);
        say($"saved {o.Save}" + (double.IsNaN(last.TestAccuracy) ? "" : $" (test accuracy {last.TestAccuracy:P2})"));
        return record;
    }

    /// <summary>
    /// "epoch 3/10: train loss …, test …, validation … (1.2 s)", leaving out what was not measured; with
    /// <paramref name="perplexity"/> (a next-token loss) each loss is followed by its perplexity exp(loss).
    /// </summary>
    public static string EpochLine(EpochReport e, int epochs, bool perplexity = false)
    {
        string Loss(double loss) => perplexity ? $"{loss:F4} (perplexity {Math.Exp(loss):F2})" : $"{loss:F4}";
        var parts = new List<string> { $"train loss {Loss(e.TrainLoss)}" };
        if (!double.IsNaN(e.TrainAccuracy)) parts.Add($"train accuracy {e.TrainAccuracy:P2}");
        if (!double.IsNaN(e.FitAccuracy)) parts.Add($"eval-mode train accuracy {e.FitAccuracy:P2}");
        if (!double.IsNaN(e.TestLoss)) parts.Add($"test loss {Loss(e.TestLoss)}");
        if (!double.IsNaN(e.TestAccuracy)) parts.Add($"test accuracy {e.TestAccuracy:P2}");
        if (!double.IsNaN(e.ValidationLoss)) parts.Add($"validation loss {Loss(e.ValidationLoss)}");
        if (!double.IsNaN(e.ValidationAccuracy)) parts.Add($"validation accuracy {e.ValidationAccuracy:P2}");
        return $"epoch {e.Epoch}/{epochs}: {string.Join(", ", parts)} ({e.Seconds:F1} s)";
    }

    /// <summary>"1 epoch", "2 epochs".</summary>
    public static string Count(long n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static AnalysisProgress Steps(long done, long total) => new("training", done, total, done == 1 ? "step" : "steps");

    /// <summary>What an analysis during training runs: `analyze`'s quick profile (<see cref="AnalyzeRun"/>) on the checkpoint of that epoch, θ₀ from FILE.init, the held-out share as validation.</summary>
    private static HessianRunOptions EpochAnalysis(ModelSource source, TrainRunOptions o, string? validation, string outDir) =>
        AnalyzeRun.Options(source, outDir, AnalyzeProfile.Quick.For(source.Model), o.OneDnn) with
        {
            Init = File.Exists(o.Save + ".init") ? o.Save + ".init" : null,
            Validation = validation,
        };
}
