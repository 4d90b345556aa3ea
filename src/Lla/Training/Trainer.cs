using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>The optimizers a training can use.</summary>
public enum OptimizerKind
{
    Adam,
    Sgd,
    /// <summary>Adam with decoupled weight decay on the parameters of two or more dimensions (<see cref="Training.AdamW"/>).</summary>
    [SettingName("adamw")] AdamW,
}

public sealed record TrainOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 0;
    /// <summary>Adam's and AdamW's β₁ and β₂ (PyTorch's defaults; nanoGPT trains with β₂ = 0.95).</summary>
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    /// <summary>How the learning rate changes over the run after <see cref="WarmupSteps"/> (<see cref="LearningRateSchedule"/>).</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;
    /// <summary>Steps of linear warm-up at the start of the run (0: none).</summary>
    public int WarmupSteps { get; init; }
    /// <summary>The learning rate the cosine schedule decays to.</summary>
    public double MinLearningRate { get; init; }
    /// <summary>Clip the whole gradient to this global norm after backward, before the step (<see cref="GradientClipping"/>); 0: no clipping.</summary>
    public double ClipGradNorm { get; init; }
    public long Seed { get; init; } = 42;
    /// <summary>A change of the gradients before each step (none by default).</summary>
    public GradientManipulation Gradient { get; init; } = GradientManipulation.None;
    /// <summary>Random shifts and flips of the training images (null: none).</summary>
    public Augmentation? Augment { get; init; }
    /// <summary>The share of training labels replaced by seeded random classes (<see cref="LabelNoise"/>, seed <see cref="Seed"/>); 0: none.</summary>
    public double LabelNoise { get; init; }
    /// <summary>
    /// The stopping rule (PGDL's "trained to convergence"): training ends after the first epoch whose accuracy on the
    /// training samples, in eval mode (<see cref="EpochReport.FitAccuracy"/>), reaches this share; <see cref="Epochs"/> is then a cap. 0: every epoch is run.
    /// </summary>
    public double StopAccuracy { get; init; }

    /// <summary>Whether the stopping rule ends the training after <paramref name="reports"/>'s last epoch.</summary>
    public bool Converged(IReadOnlyList<EpochReport> reports) => reports.Count > 0 && Meets(reports[^1].FitAccuracy);

    /// <summary>Whether an epoch's eval-mode accuracy on the training samples meets the stopping rule (never without one).</summary>
    public bool Meets(double fitAccuracy) => StopAccuracy > 0 && fitAccuracy >= StopAccuracy;
}

/// <summary>
/// One finished epoch; the validation values are NaN without a validation set. <see cref="FitAccuracy"/>: the accuracy in
/// eval mode on the training samples as trained on (their labels, no augmentation) after the epoch, measured for the
/// stopping rule only (NaN without one); <see cref="TrainAccuracy"/> is counted during the epoch, with dropout and moving weights.
/// </summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds,
    double ValidationLoss = double.NaN, double ValidationAccuracy = double.NaN, double FitAccuracy = double.NaN);

/// <summary>The training diverged: the loss or the weights stopped being finite numbers (a learning rate too large).</summary>
public sealed class TrainingDivergedException : LlaException
{
    public TrainingDivergedException(int epoch, int step, string what, TrainOptions options)
        : base($"the training diverged in epoch {epoch}, step {step}: {what}; lower {{lr}}" + (options.WeightDecay > 0 ? " or {weight-decay}" : ""))
    {
        (Epoch, Step) = (epoch, step);
    }

    public int Epoch { get; }
    public int Step { get; }
}

public sealed record TrainResult(IReadOnlyList<EpochReport> Epochs, IOptimizer Optimizer);

/// <summary>Mini-batch training with a seeded shuffle (and seeded gradient noise and augmentation) per epoch and a test evaluation after each epoch.</summary>
public static class Trainer
{
    public static IOptimizer CreateOptimizer(nn.Module model, TrainOptions options)
    {
        var named = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, (Tensor)p.parameter));
        return options.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(named, options.LearningRate, options.Beta1, options.Beta2, weightDecay: options.WeightDecay),
            OptimizerKind.Sgd => new Sgd(named, options.LearningRate, options.Momentum, options.WeightDecay),
            OptimizerKind.AdamW => new AdamW(named, options.LearningRate, options.Beta1, options.Beta2, weightDecay: options.WeightDecay),
        };
    }

    /// <summary>Optimizer steps in an epoch over <paramref name="samples"/> samples: one per batch, the last batch possibly smaller.</summary>
    public static long StepsPerEpoch(long samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    /// <summary>The learning rate of every step of a training on <paramref name="samples"/> samples; a warm-up as long as the run is refused.</summary>
    public static LearningRateSchedule Schedule(TrainOptions options, long samples)
    {
        long perEpoch = StepsPerEpoch(samples, options.BatchSize), total = perEpoch * options.Epochs;
        if (options.WarmupSteps >= total)
            throw new LlaException($"{{warmup-steps}} {options.WarmupSteps} is not shorter than the run: {{epochs}} {options.Epochs} of {TrainRun.Count(perEpoch, "step")} " +
                $"({samples} samples in batches of {options.BatchSize}) make {total}, and the warm-up would never end");
        return new LearningRateSchedule(options.Schedule, options.LearningRate, options.MinLearningRate, options.WarmupSteps, total);
    }

    /// <summary>Refuses settings of the optimizer, the schedule and the clipping that cannot make a training (the data's size aside).</summary>
    public static void ValidateSettings(TrainOptions options)
    {
        if (options.Epochs < 1) throw new LlaException($"{{epochs}} must be at least 1 (got {options.Epochs})");
        if (!(options.LearningRate > 0)) throw new LlaException($"{{lr}} must be positive (got {options.LearningRate})");
        if (!(options.Beta1 >= 0 && options.Beta1 < 1)) throw new LlaException($"{{beta1}} must be at least 0 and below 1 (got {options.Beta1})");
        if (!(options.Beta2 >= 0 && options.Beta2 < 1)) throw new LlaException($"{{beta2}} must be at least 0 and below 1 (got {options.Beta2})");
        if (options.WarmupSteps < 0) throw new LlaException($"{{warmup-steps}} must not be negative (got {options.WarmupSteps})");
        if (!(options.MinLearningRate >= 0 && options.MinLearningRate <= options.LearningRate))
            throw new LlaException($"{{min-lr}} must be at least 0 and at most {{lr}} {options.LearningRate:G} (got {options.MinLearningRate:G})");
        if (options.MinLearningRate != 0 && options.Schedule != ScheduleKind.Cosine)
            throw new LlaException($"{{min-lr}} is where {{schedule}} cosine decays to: add {{schedule}} cosine, or leave {{min-lr}} out");
        if (!(options.StopAccuracy >= 0 && options.StopAccuracy <= 1))
            throw new LlaException($"the stopping rule's training accuracy must be a share in [0, 1], 0 for none (got {options.StopAccuracy})");
        if (!(options.ClipGradNorm >= 0) || !double.IsFinite(options.ClipGradNorm))
            throw new LlaException($"{{clip-grad-norm}} must be a positive number, or 0 for no clipping (got {options.ClipGradNorm})");
        options.Gradient.Validate();
    }

    /// <param name="resume">
    /// A training stopped after some epochs: its optimizer state (the model holds its weights already)
    /// and its epochs. Training continues with the next epoch and reaches the same weights, bit for bit,
    /// as an uninterrupted run: every random choice of an epoch is seeded by the seed and the epoch.
    /// </param>
    public static TrainResult Train(nn.Module<Tensor, Tensor> model, Dataset train, Dataset? test, TrainOptions options,
        LossFunction loss, Action<int, int, int, double>? onStep = null, Action<EpochReport, IOptimizer>? onEpoch = null,
        (IReadOnlyDictionary<string, Tensor> OptimizerState, IReadOnlyList<EpochReport> Epochs)? resume = null, Dataset? validation = null,
        bool evaluateLastEpochOnly = false)
    {
        ValidateSettings(options);
        var schedule = Schedule(options, train.Count);
        // A constant learning rate needs no schedule (and its checkpoints hold no schedule position, as before there was one).
        var optimizer = schedule.IsConstant ? CreateOptimizer(model, options) : new ScheduledOptimizer(CreateOptimizer(model, options), schedule);
        var trainable = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        var reports = new List<EpochReport>();
        if (resume is { } r)
        {
            optimizer.Restore(r.OptimizerState);
            reports.AddRange(r.Epochs);
            long expected = reports.Count * StepsPerEpoch(train.Count, options.BatchSize);
            if (optimizer is ScheduledOptimizer { Position: var position } && position != expected)
                throw new LlaException($"{{resume}}: the interrupted training's learning-rate schedule stopped at step {position}, but {TrainRun.Count(reports.Count, "epoch")} end at step {expected}: the training data changed; start again without {{resume}}");
        }
        // Inputs follow the model's floating type (a float64 model trains on float64 inputs).
        var dtype = model.parameters().Select(p => p.dtype).FirstOrDefault(ScalarType.Float32);
        // Without a test split (npy data has none) the epochs report no test loss or accuracy.
        var testBatches = EvaluationBatches(test, dtype);
        var validationBatches = EvaluationBatches(validation, dtype);
        // The stopping rule reads the training samples in eval mode (dropout off, no augmentation): batched once, read every epoch.
        var fitBatches = options.StopAccuracy > 0 ? EvaluationBatches(train, dtype) : new List<Batch>();
        var noBatches = new List<Batch>();
        try
        {
            // A resumed run whose last kept epoch met the stopping rule has nothing left to train.
            for (int epoch = reports.Count + 1; epoch <= options.Epochs && !options.Converged(reports); epoch++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var gradientGenerator = new Generator((ulong)(options.Seed * 1000 + 17 + 7_919 * epoch));
                var augmentRandom = new Random(unchecked((int)(options.Seed * 7919 + 3 + 104_729 * epoch)));
                model.train();
                var batches = train.Batches(options.BatchSize, null, shuffle: true, seed: options.Seed * 1000 + epoch);
                double lossSum = 0, correct = 0;
                long seen = 0;
                for (int b = 0; b < batches.Count; b++)
                {
                    using var scope = NewDisposeScope();
                    var batch = batches[b];
                    optimizer.ZeroGrad();
                    var inputs = options.Augment is null ? batch.Inputs : options.Augment.Apply(batch.Inputs, augmentRandom);
                    if (inputs.dtype != dtype) inputs = inputs.to(dtype);
                    var outputs = model.forward(inputs);
                    var value = loss(outputs, batch.Targets);
                    double v = value.ToDouble();
                    if (!double.IsFinite(v))
                        throw new TrainingDivergedException(epoch, b + 1, $"the loss became {v}", options);
                    value.backward();
                    options.Gradient.Apply(trainable, gradientGenerator);
                    if (options.ClipGradNorm > 0) GradientClipping.ClipByGlobalNorm(trainable, options.ClipGradNorm);
                    try
                    {
                        optimizer.Step();
                    }
                    catch (System.Runtime.InteropServices.ExternalException e) when (e.Message.Contains("overflow", StringComparison.OrdinalIgnoreCase))
                    {
                        // libtorch refuses a step whose scale does not fit the weights' type (e.g. float32).
                        throw new TrainingDivergedException(epoch, b + 1, "the update overflowed the weights' number type", options);
                    }
                    lossSum += v * batch.Count;
                    if (train.IsClassification && LossFunctions.Correct(outputs, batch.Targets) is (double right, long counted) && counted > 0) correct += right / counted * batch.Count;
                    seen += batch.Count;
                    onStep?.Invoke(epoch, b + 1, batches.Count, v);
                }
                foreach (var batch in batches) batch.Dispose();
                // The last step's update is checked by no later loss: a non-finite weight must not be saved.
                bool finite;
                using (NewDisposeScope()) finite = trainable.All(p => isfinite(p).all().item<bool>());
                if (!finite)
                    throw new TrainingDivergedException(epoch, batches.Count, "the weights became infinite or NaN", options);
                model.eval();
                double fit = options.StopAccuracy > 0 ? Evaluate(model, loss, fitBatches).Accuracy : double.NaN;
                // The test and validation sets after every epoch, or (evaluateLastEpochOnly) after the last one only: the cap's or the
                // first to meet the stopping rule (NaN before it).
                bool evaluate = !evaluateLastEpochOnly || epoch == options.Epochs || options.Meets(fit);
                var evaluation = Evaluate(model, loss, evaluate ? testBatches : noBatches);
                var validated = Evaluate(model, loss, evaluate ? validationBatches : noBatches);
                var report = new EpochReport(epoch, lossSum / seen, train.IsClassification ? correct / seen : double.NaN, evaluation.Loss, evaluation.Accuracy,
                    clock.Elapsed.TotalSeconds, validated.Loss, validated.Accuracy, fit);
                reports.Add(report);
                onEpoch?.Invoke(report, optimizer);
            }
        }
        finally
        {
            foreach (var batch in testBatches.Concat(validationBatches).Concat(fitBatches)) batch.Dispose();
        }
        return new TrainResult(reports, optimizer);
    }

    /// <summary>Batches of an evaluation set (none without one) in the model's floating type.</summary>
    private static List<Batch> EvaluationBatches(Dataset? data, ScalarType dtype)
    {
        var batches = data?.Batches(1024, null, false, 0) ?? new List<Batch>();
        if (dtype != ScalarType.Float32)
            batches = batches.Select(b => new Batch(b.Inputs.to(dtype).DetachFromDisposeScope(), b.Targets)).ToList();
        return batches;
    }

    /// <summary>Loss and accuracy on evaluation batches of 1,024 samples, each in micro-batches (a GPT's default, <see cref="EvaluationMicroBatch"/>): 1,024 windows of a large vocabulary's logits at once would need tens of GB.</summary>
    private static LossAndAccuracy Evaluate(nn.Module<Tensor, Tensor> model, LossFunction loss, List<Batch> batches) =>
        batches.Count > 0 ? EvaluationMicroBatch.Apply(new Objective(model, loss, batches), null).Evaluate() : new LossAndAccuracy(double.NaN, double.NaN);
}
