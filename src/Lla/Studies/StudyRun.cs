using Lla.Guard;
using System.Diagnostics;
using System.Text.Json;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using Lla.Runs;
using Lla.Training;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Studies;

/// <summary>What a study run is asked to do: the config, its folder, and how backward passes are guarded.</summary>
public sealed record StudyRunOptions(StudyConfig Config, string Folder, OneDnnSetting OneDnn = OneDnnSetting.Auto)
{
    /// <summary>Recorded in study.json's meta: the preset's name, or the config file.</summary>
    public string? Preset { get; init; }
    public string? ConfigFile { get; init; }
    /// <summary>A TensorBoard log folder: each model trained here logs into its own run folder DIR/NAME; null: none.</summary>
    public string? TensorBoard { get; init; }
    /// <summary>Replace whatever run the folder holds (`--force`): an earlier study is measured anew, not resumed.</summary>
    public bool Force { get; init; }
    /// <summary>Under MPI, rank 0's thread count once every rank has trained its share and the others have ended (they shared the cores while training); null: unchanged.</summary>
    public int? MeasuringThreads { get; init; }
}

/// <summary>
/// Runs a study into its folder (`lla study`): trains (or loads) every model into models/, measures
/// every model on every dataset and appends each measurement to measurements.jsonl as soon as it is
/// done, so an interrupted study resumes where it stopped: finished models are not retrained and
/// finished measurements are not repeated. The config is saved as config.json; a resumed study must
/// have the same one. Writes study.json, table.csv and table.json at the end; draws nothing.
/// </summary>
public sealed class StudyRun
{
    public const string MeasurementsFile = "measurements.jsonl";
    public const string ConfigFile = "config.json";
    private readonly StudyConfig config;
    private readonly string folder;
    private readonly OneDnnSetting oneDnn;
    private readonly Action<AnalysisProgress> progress;
    private readonly Action<string> say;
    private readonly CancellationToken cancel;
    private readonly string _data;
    private readonly string? tensorBoard;

    private StudyRun(StudyRunOptions o, Action<AnalysisProgress>? progress, Action<string>? say, CancellationToken cancel)
    {
        (config, folder, oneDnn, tensorBoard) = (o.Config, o.Folder, o.OneDnn, o.TensorBoard);
        this.progress = progress ?? (_ => { });
        this.say = say ?? (_ => { });
        this.cancel = cancel;
        _data = config.Data ?? EmbeddedDefault.DataSpec;
    }

    /// <summary>Runs (or resumes) the study; <paramref name="say"/> gets one line per finished epoch and measurement.</summary>
    /// <param name="group">
    /// The ranks of an MPI job (null: one process): this is rank 0's part. Every rank trains its share of the models
    /// (<see cref="TrainShare"/>, which the other ranks call), then rank 0 measures them all.
    /// </param>
    public static StudyResults Execute(StudyRunOptions o, Action<AnalysisProgress>? progress = null, Action<string>? say = null, CancellationToken cancel = default,
        Parallel.IProcessGroup? group = null)
    {
        group ??= Parallel.SingleProcess.Instance;
        if (!group.IsRoot) throw new InvalidOperationException("ranks other than 0 call TrainShare");
        if (File.Exists(o.Folder)) throw new LlaException($"{{out}} {o.Folder} is a file, not a folder");
        if (o.TensorBoard is not null) Training.TrainingEvents.CheckFolder(o.TensorBoard);
        using var runLock = RunLock.ForJob(o.Folder, group, say, claim: new RunClaim("study", null, Force: o.Force));
        if (group.Size > 1)
        {
            TrainShare(o, group, progress, say, cancel);
            if (o.MeasuringThreads is int threads) RuntimeSetup.SetThreads(threads);
        }
        var (outcome, meta, testSize) = new StudyRun(o, progress, say, cancel).Run();
        var leaderboard = StudyLeaderboard.Score(o.Config, outcome, testSize);
        meta = meta with
        {
            Preset = o.Preset, ConfigFile = o.ConfigFile is null ? null : Path.GetFullPath(o.ConfigFile),
            TensorBoard = o.TensorBoard is null ? null : Path.GetFullPath(o.TensorBoard),
        };
        var results = StudyResults.From(o.Config, outcome, meta, leaderboard);
        ResultsSerializer.Write(Path.Combine(o.Folder, StudyResults.FileName), results);
        ResultsSerializer.Write(Path.Combine(o.Folder, "table.json"), results.Rows);
        string csv = StudyTable.Csv(results.Rows);
        RunFolder.WriteAtomically(Path.Combine(o.Folder, StudyTable.FileName), tmp => File.WriteAllText(tmp, csv));
        string board = StudyTable.LeaderboardCsv(results.Leaderboard!);
        RunFolder.WriteAtomically(Path.Combine(o.Folder, StudyTable.LeaderboardFile), tmp => File.WriteAllText(tmp, board));
        string models = ModelsTable.Csv(o.Config, leaderboard.Zoo, testSize);
        RunFolder.WriteAtomically(Path.Combine(o.Folder, LeaderboardResults.ModelsFile), tmp => File.WriteAllText(tmp, models));
        return results;
    }

    /// <summary>
    /// One rank's share of an MPI study's training: models i with i mod size = rank, into the study folder (rank 0 holds
    /// its lock and has checked its config first). Every rank returns when every model is trained; rank 0 then measures
    /// them all (<see cref="Execute"/>), the others are done. A model already trained (a resumed study) is not trained again.
    /// </summary>
    public static void TrainShare(StudyRunOptions o, Parallel.IProcessGroup group, Action<AnalysisProgress>? progress = null, Action<string>? say = null, CancellationToken cancel = default)
    {
        // Rank 0 holds the folder (its lock, and whatever --force replaces) before any rank writes into it.
        group.Sum(new double[1]);
        var run = new StudyRun(o, progress, say, cancel);
        run.CheckModelsAndShifts();
        if (o.Config.Text is not null) Lla.Data.Text.TextDataset.Register(o.Config.Text);
        using (var train = LoadData(run.TrainSpec, Split.Train)) run.CheckTrainingFits(train.Count);
        if (group.IsRoot)
        {
            Directory.CreateDirectory(Path.Combine(run.folder, "models"));
            run.CheckConfig();
        }
        // A folder holding another study is refused by rank 0 before any rank trains.
        group.Sum(new double[1]);
        var training = new Dictionary<string, TrainResults>();
        for (int i = group.Rank; i < o.Config.Models.Count; i += group.Size)
        {
            cancel.ThrowIfCancellationRequested();
            run.EnsureModel(o.Config.Models[i], training);
        }
        // Every model is trained before rank 0 measures.
        group.Sum(new double[1]);
    }

    /// <summary>
    /// Loads the study's data. Its errors name the config's <c>data</c> (a preset's too), not a command-line flag:
    /// <c>lla study</c> has no --data.
    /// </summary>
    private static Dataset LoadData(string spec, Split split)
    {
        try { return DataSpec.Load(spec, split); }
        catch (LlaException e) { throw new LlaException(e.Render(k => k == "data" ? "\"data\" of the study config" : StudyModel.KeyOf(k))); }
    }

    private void CheckModelsAndShifts()
    {
        if (config.Models.Select(m => m.TrainSamples).Append(config.TrainSamples).Max() is int most)
        {
            using var all = LoadData(DataSpec.Holdout(StudyConfig.ValidationSplit, _data), Split.Train);
            if (most > all.Count)
            {
                // The model's name when the count is its own, not the study's.
                var own = most == config.TrainSamples ? null : config.Models.First(m => m.TrainSamples == most);
                throw new LlaException($"{(own is null ? "" : $"model {own.Name}: ")}train_samples {most} is more than the {all.Count} training samples of {_data} (its training split less the last {StudyConfig.ValidationSplit:P0}, held out for validation)");
            }
        }
        foreach (var spec in config.Models)
        {
            if (!ModelZoo.Knows(spec.Architecture)) throw new LlaException($"model {spec.Name}: unknown architecture '{spec.Architecture}' (known: {string.Join(", ", ModelZoo.Names)})");
            if (spec.Weights is not null && !File.Exists(spec.Weights)) throw new LlaException($"model {spec.Name}: weights file not found: {spec.Weights}");
        }
        foreach (var shift in config.Shifts)
            if (shift.Corpus is { } corpus && !File.Exists(corpus[(corpus.IndexOf(':') + 1)..]) && !Directory.Exists(corpus[(corpus.IndexOf(':') + 1)..]))
                throw new LlaException($"shift {shift.Name}: no such file or folder");
    }

    private (StudyOutcome Outcome, StudyMeta Meta, int TestSize) Run()
    {
        var clock = Stopwatch.StartNew();
        CheckModelsAndShifts();
        // Text data reads with the config's tokenizer and context, as --tokenizer and --context make every other command read it.
        if (config.Text is not null) Lla.Data.Text.TextDataset.Register(config.Text);

        // Trained models learn from the training split less its last 10%, the validation set ATC and DoC calibrate on; "train" is what they learnt from.
        using var studyTrain = LoadData(TrainSpec, Split.Train);
        CheckTrainingFits(studyTrain.Count);
        Directory.CreateDirectory(Path.Combine(folder, "models"));
        CheckConfig();
        var done = ReadMeasurements(folder);
        if (done.Count > 0) say($"resuming: {done.Count} measurements already in {Path.Combine(folder, MeasurementsFile)}");
        using var test = LoadData(_data, Split.Test);
        using var validationData = LoadData(TrainSpec, Split.Test);
        var datasets = new List<(string Name, Dataset Data)> { (StudyOutcome.TrainDataset, studyTrain), (StudyOutcome.TestDataset, test) };
        foreach (var shift in config.Shifts) datasets.Add((shift.Name, shift.Apply(test)));
        int total = config.Models.Count * datasets.Count, finished = done.Count;
        var guards = new Dictionary<string, string>();
        var microBatches = new Dictionary<string, int?>();
        var training = new Dictionary<string, TrainResults>();
        var trainedOn = new Dictionary<string, long>();
        var described = datasets.Select(d => new StudyDatasetRecord(d.Name, d.Data.Description, d.Data.Count)).ToArray();
        try
        {
            foreach (var spec in config.Models)
            {
                string weights = EnsureModel(spec, training);
                var source = StudySource.For(config, spec, weights);
                var loss = source.LossFunction;
                // A model with its own train_samples is measured on what it learnt from.
                using var ownTrain = OwnTrainSamples(spec) is int own ? OwnTrain(own, studyTrain) : null;
                var train = ownTrain ?? studyTrain;
                trainedOn[spec.Name] = train.Count;
                var model = source.Build(train);
                microBatches[spec.Name] = EvaluationMicroBatch.ForModel(model);
                using var guardBatch = train.Batches(NumericGuard.BatchSizeFor(model), 1, false, 0)[0];
                var twin = source.Float64Twin(model, train, BatchNormMode.Train);
                var decision = OneDnnPolicy.Decide(oneDnn, model, twin, loss, guardBatch, GuardProbe.Analysis());
                guards[spec.Name] = decision.Reason;
                if (done.Count(kv => kv.Value.Model == spec.Name) < datasets.Count) say($"{spec.Name}: numeric guard: {decision.Reason}");
                var guarded = decision.Scope();
                using var init = InitialParameters(source, weights, train);
                // A GPT's validation windows in micro-batches: ATC's and DoC's forward passes take one batch at a time.
                var validation = validationData.Batches(microBatches[spec.Name] ?? 1024, null, false, 0);
                var inputs = new StudyMeasureInputs(init, validation);
                try
                {
                    var measuredNow = MeasureRemaining();
                    // The guard again after this session's work on the model (oneDNN's fault is intermittent).
                    if (measuredNow.Count > 0)
                    {
                        try
                        {
                            decision = OneDnnPolicy.PostCheck(decision, model, twin, loss, guardBatch, GuardProbe.Analysis(), "the measurements");
                        }
                        catch (NumericGuardException e) when (oneDnn == OneDnnSetting.Auto && decision.OneDnnForBackward)
                        {
                            // Its measurements from this session are not trustworthy: drop them and measure again without oneDNN.
                            say($"{spec.Name}: {e.Message}; measuring its {measuredNow.Count} datasets again without oneDNN");
                            DropMeasurements(measuredNow);
                            foreach (string key in measuredNow) done.Remove(key);
                            finished -= measuredNow.Count;
                            guarded.Dispose();
                            decision = decision with { OneDnnForBackward = false, Reason = $"oneDNN switched off after the guard failed following the measurements ({e.Message})" };
                            guards[spec.Name] = decision.Reason;
                            guarded = decision.Scope();
                            MeasureRemaining();
                            decision = OneDnnPolicy.PostCheck(decision, model, twin, loss, guardBatch, GuardProbe.Analysis(), "the measurements");
                        }
                    }

                    List<string> MeasureRemaining()
                    {
                        var keys = new List<string>();
                        foreach (var (name, shared) in datasets)
                        {
                            var data = name == StudyOutcome.TrainDataset ? train : shared;
                            if (done.ContainsKey(StudyMeasurement.KeyOf(spec.Name, name))) continue;
                            cancel.ThrowIfCancellationRequested();
                            var measurement = Measure(spec.Name, model, name, data, loss, spec.AnalysisFor(config.Analysis), config.Measured, inputs, progress, microBatches[spec.Name]);
                            if (name == StudyOutcome.TrainDataset && spec.LabelNoise > 0 && !spec.IsReference)
                                measurement = measurement with { TrainedLabelAccuracy = AccuracyOnTrainedLabels(model, train, loss, spec, microBatches[spec.Name]) };
                            done[measurement.Key] = measurement;
                            File.AppendAllText(Path.Combine(folder, MeasurementsFile), measurement.ToJsonLine() + "\n");
                            keys.Add(measurement.Key);
                            finished++;
                            say($"[{finished}/{total}] {spec.Name} on {name}: {(spec.IsLanguageModel ? "next-token accuracy" : "accuracy")} {measurement.Accuracy:P2}, loss {measurement.Loss:F4}, re {StudyOutcome.F(measurement.Re.Mean)}, "
                                + $"Kh {StudyOutcome.F(measurement.Kh.Mean)}, Ct {StudyOutcome.F(measurement.Ct.Mean)} ({measurement.HesdType}), {measurement.Seconds:F1} s");
                        }
                        return keys;
                    }
                }
                finally
                {
                    guarded.Dispose();
                    foreach (var b in validation) b.Dispose();
                }
                model.Dispose();
            }
        }
        finally
        {
            foreach (var (name, data) in datasets.Skip(2)) data.Dispose();
        }

        var measurements = config.Models.SelectMany(m => datasets.Select(d => done[StudyMeasurement.KeyOf(m.Name, d.Name)])).ToList();
        var outcome = StudyOutcome.Analyse(config, measurements);
        var meta = new StudyMeta
        {
            Data = _data,
            TrainingSplit = TrainSpec,
            Validation = $"{TrainSpec} (test split: the last {StudyConfig.ValidationSplit:P0} of {_data}'s training split, held out from training; ATC and DoC calibrate on it, never on the test split)",
            Datasets = described,
            TrainSamples = trainedOn,
            BatchNormModeForHessian = "train (batch statistics), as the seed library; accuracy in eval mode",
            Tokenizer = config.Text is null ? null : Lla.Data.Text.TextTokenizer.NameOf(config.Text.Tokenizer),
            Context = config.Text?.Context,
            AccuracyMeans = config.Models.Any(m => m.IsLanguageModel) ? "next-token accuracy: the share of predicted positions whose most likely token is the next one" : "accuracy: the share of samples whose most likely class is their label",
            MicroBatch = microBatches.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.Value),
            MeasuresNotAvailable = measurements.SelectMany(m => m.MeasureReasons ?? new Dictionary<string, string>()).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.First().Value),
            Threads = TorchSharp.torch.get_num_threads(),
            NumericGuard = guards,
            Training = training,
            Convergence = StudyConvergence.Of(config, training),
            Versions = Versions.All(),
            SecondsThisSession = clock.Elapsed.TotalSeconds,
            SecondsMeasuringTotal = measurements.Sum(m => m.Seconds),
        };
        return (outcome, meta, (int)test.Count);
    }

    /// <summary>
    /// The config must match the one a resumed folder was started with, except for <c>axes</c>: they only
    /// decide how the finished measurements are scored across models, so a changed list re-scores the
    /// study (config.json is rewritten) without measuring anything again.
    /// </summary>
    private void CheckConfig()
    {
        string path = Path.Combine(folder, ConfigFile);
        if (File.Exists(path))
        {
            var saved = config.CompareWith(File.ReadAllText(path));
            if (saved == StudyConfig.Saved.Same) return;
            if (saved == StudyConfig.Saved.Other)
                throw new LlaException($"{folder} holds a study with another config (see its config.json): give a new {{out}}, or the same config to resume");
        }
        RunFolder.WriteAtomically(path, tmp => File.WriteAllText(tmp, config.ToIndentedJson()));
    }

    /// <summary>Rewrites measurements.jsonl without the given measurements (atomically: a kill leaves the old file or the new one).</summary>
    private void DropMeasurements(IReadOnlyCollection<string> keys)
    {
        string path = Path.Combine(folder, MeasurementsFile);
        var kept = ReadMeasurements(folder).Values.Where(m => !keys.Contains(m.Key)).Select(m => m.ToJsonLine());
        RunFolder.WriteAtomically(path, tmp => File.WriteAllLines(tmp, kept));
    }

    /// <summary>The measurements of a study folder (a line cut short by an interruption is dropped, to be measured again).</summary>
    public static Dictionary<string, StudyMeasurement> ReadMeasurements(string folder)
    {
        var result = new Dictionary<string, StudyMeasurement>();
        string path = Path.Combine(folder, MeasurementsFile);
        if (!File.Exists(path)) return result;
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                var m = StudyMeasurement.FromJsonLine(lines[i]);
                result[m.Key] = m;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                // A line cut short by an interruption is the last one; it is measured again.
                if (i != lines.Length - 1) throw new LlaException($"{path}: line {i + 1} is not a measurement ({e.Message})");
                File.WriteAllLines(path, lines.Take(i));
            }
        }
        return result;
    }

    /// <summary>
    /// The model's weights file: trained once into models/NAME.bin by the same training run as `lla train`
    /// (behind the numeric guard, a checkpoint every epoch, resumed if interrupted), with its record
    /// NAME.bin.json; a reference model is saved at its seeded initialization; or the config's own file.
    /// </summary>
    private string EnsureModel(StudyModel spec, Dictionary<string, TrainResults> training)
    {
        if (spec.Weights is not null) return spec.Weights;
        string path = Path.Combine(folder, "models", spec.Name + ".bin");
        string record = path + ".json";
        // A model saved with a failed check (the numeric guard after its training) is trained again, never measured.
        bool failedBefore = File.Exists(record) && ResultsSerializer.Read<TrainResults>(record, ResultsMigration.UpgradeOther).FailedCheck is not null;
        if (!File.Exists(path) || !File.Exists(record) || failedBefore)
        {
            var source = StudySource.For(config, spec, null);
            if (spec.IsReference)
            {
                using var train = source.LoadData(Split.Train);
                using var model = source.Build(train);
                Checkpoint.Save(path, model, null); // atomic: a killed run leaves no half-written model
                ResultsSerializer.Write(record, new TrainResults { Model = spec.Architecture, Data = _data, Optimizer = "none", Seed = spec.Seed, Options = ModelSettings.Of(new TrainSettings { Epochs = 0 }, source), Versions = Versions.All(), Epochs = Array.Empty<EpochRecord>() });
            }
            else
            {
                var options = spec.Training();
                TrainResults Train(OneDnnSetting setting) => TrainRun.Execute(new TrainRunOptions
                {
                    Source = source, Training = options, Save = path, OneDnn = setting, Resume = TrainingProgress.Exists(path),
                    ValidationSplit = StudyConfig.ValidationSplit, TrainSamples = spec.TrainSamples, EvaluateLastEpochOnly = spec.StopAccuracy > 0, TensorBoard = tensorBoard is null ? null : Path.Combine(tensorBoard, spec.Name),
                }, line => say($"{spec.Name}: {line}"), p => progress(p with { Stage = $"training {spec.Name}" }));
                var trainedNow = Train(failedBefore && oneDnn == OneDnnSetting.Auto ? OneDnnSetting.Off : oneDnn);
                if (trainedNow.FailedCheck is { } failed && oneDnn == OneDnnSetting.Auto && trainedNow.NumericGuard is { OnednnForBackward: true })
                {
                    // oneDNN's fault is intermittent: the guard before training can pass and the check after it fail.
                    // A study's models must be trustworthy: train again without oneDNN (the weights are replaced).
                    say($"{spec.Name}: {failed}; training again without oneDNN");
                    trainedNow = Train(OneDnnSetting.Off);
                }
                if (trainedNow.FailedCheck is { } still) throw new NumericGuardException($"{spec.Name}: {still}");
            }
        }
        // The training's record, with the study's own words for the recipe.
        training[spec.Name] = ResultsSerializer.Read<TrainResults>(record, ResultsMigration.UpgradeOther) with { Recipe = spec.Recipe };
        return path;
    }

    /// <summary>Accuracy and loss on the whole dataset (eval mode), then SLQ criteria on each analysed batch (BatchNorm in train mode).</summary>
    private static StudyMeasurement Measure(string modelName, nn.Module<Tensor, Tensor> model, string datasetName, Dataset data, LossFunction loss, StudyAnalysis a,
        IReadOnlyList<string> measures, StudyMeasureInputs inputs, Action<AnalysisProgress> progress, int? microBatch)
    {
        var clock = Stopwatch.StartNew();
        var evaluation = Evaluate(model, loss, data, microBatch);

        var spectrumClock = Stopwatch.StartNew();
        var batches = data.Batches(a.BatchSize, a.Batches, shuffle: true, seed: a.Seed);
        var perBatch = new List<IReadOnlyList<RunCriteria>>();
        var traces = new List<IReadOnlyList<double?>>();
        long hvps = 0;
        double spectrumSeconds = 0;
        string stage = $"{modelName} on {datasetName}";
        try
        {
            using var mode = new AnalysisMode(model, BatchNormMode.Train);
            var parameters = ParameterSet.Of(model);
            int steps = (int)Math.Min(a.LanczosSteps, parameters.Dimension);
            long all = (long)batches.Count * a.SlqRuns * steps;
            for (int b = 0; b < batches.Count; b++)
            {
                using var scope = NewDisposeScope();
                var objective = new Objective(model, loss, new[] { batches[b] });
                objective.SplitInto(microBatch);
                var op = new HessianOperator(objective, parameters);
                long before = hvps;
                var esd = SpectralDensity.Estimate(op, new SlqOptions { Runs = a.SlqRuns, Steps = steps, Seed = a.Seed * 1000 + b },
                    (step, _) => progress(new AnalysisProgress(stage, before + step, all)));
                hvps += op.ApplyCount;
                perBatch.Add(Criteria.FromSpectrum(esd.Runs, a.KhPower, a.CtThreshold).Runs);
                // A run's trace estimate: d · Σᵢ wᵢ θᵢ of its Gauss quadrature.
                traces.Add(esd.Runs.Select(r => (double?)(esd.Dimension * r.Nodes.Zip(r.Weights, (l, w) => l * w).Sum())).ToList());
            }
            spectrumSeconds = spectrumClock.Elapsed.TotalSeconds;
            var (values, seconds, reasons) = StudyMeasuring.Compute(model, loss, batches, a, measures, inputs, progress, stage, microBatch);
            if (measures.Contains("trace")) values["trace"] = traces;
            foreach (string m in measures.Where(StudyMeasures.FromSpectrum.Contains)) seconds[m] = spectrumSeconds;
            return new StudyMeasurement(modelName, datasetName, evaluation.Accuracy, evaluation.Loss, perBatch, a.CtThreshold, hvps, clock.Elapsed.TotalSeconds)
            {
                Measures = values, MeasureSeconds = seconds, MeasureReasons = reasons,
            };
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    /// <summary>Accuracy (eval mode) on the noisy labels the model was trained with: the same <see cref="LabelNoise"/> of the same split and seed as its training.</summary>
    private static double AccuracyOnTrainedLabels(nn.Module<Tensor, Tensor> model, Dataset train, LossFunction loss, StudyModel spec, int? microBatch)
    {
        using var noisy = LabelNoise.Apply(train, spec.LabelNoise, spec.Seed);
        return Evaluate(model, loss, noisy, microBatch).Accuracy;
    }

    /// <summary>Loss and accuracy (for a GPT next-token accuracy) over the whole dataset in eval mode, in batches of 1,024 computed in micro-batches of <paramref name="microBatch"/> (<see cref="StudyMicroBatch"/>).</summary>
    private static LossAndAccuracy Evaluate(nn.Module<Tensor, Tensor> model, LossFunction loss, Dataset data, int? microBatch)
    {
        var batches = data.Batches(1024, null, false, 0);
        try
        {
            using var mode = new AnalysisMode(model, BatchNormMode.Eval);
            var objective = new Objective(model, loss, batches);
            objective.SplitInto(microBatch);
            return objective.Evaluate(allowNonFinite: true);
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    /// <summary>
    /// Refuses, before any model is trained, a warm-up that is not shorter than a model's run on the study's
    /// training set (what `lla train` refuses once it knows the data's size); the other training settings are
    /// checked when the config is read.
    /// </summary>
    private void CheckTrainingFits(long samples)
    {
        foreach (var spec in config.Models.Where(m => !m.IsReference && m.Weights is null))
        {
            // A model with its own train_samples (checked against the split already) trains on exactly that many.
            try { Trainer.Schedule(spec.Training(), OwnTrainSamples(spec) ?? samples); }
            catch (LlaException e) { throw new LlaException($"model {spec.Name}: {e.Render(StudyModel.KeyOf)}"); }
        }
    }

    /// <summary>θ₀ as one flat vector, from WEIGHTS.init that training saves beside the weights; null when there is none.</summary>
    private static Tensor? InitialParameters(ModelSource source, string weights, Dataset train)
    {
        if (!File.Exists(weights + ".init")) return null;
        using var initial = (source with { Weights = weights + ".init" }).Build(train);
        return ParameterSet.Of(initial).Flatten().detach().clone();
    }

    /// <summary>A model's own training-set size, null when it learns from the study's (a model without one was given the study's).</summary>
    private int? OwnTrainSamples(StudyModel spec) => spec.TrainSamples != config.TrainSamples ? spec.TrainSamples : null;

    /// <summary>
    /// The first <paramref name="samples"/> of the training split less its held-out share: sliced from the study's, which starts with the
    /// same samples, when that holds them; loaded (<see cref="TrainSpecOf"/>) otherwise.
    /// </summary>
    private Dataset OwnTrain(int samples, Dataset studyTrain) => samples <= studyTrain.Count
        ? studyTrain.Slice(0, samples, $"{studyTrain.Description}, first {samples}")
        : LoadData(TrainSpecOf(samples), Split.Train);

    /// <summary>The data spec of what trained models learn from: the training split less its last <see cref="StudyConfig.ValidationSplit"/>.</summary>
    private string TrainSpec => TrainSpecOf(config.TrainSamples);

    /// <summary>The first <paramref name="samples"/> of the training split less its held-out share (all of it for null).</summary>
    private string TrainSpecOf(int? samples) => samples is int n
        ? DataSpec.First(n, DataSpec.Holdout(StudyConfig.ValidationSplit, _data))
        : DataSpec.Holdout(StudyConfig.ValidationSplit, _data);
}
