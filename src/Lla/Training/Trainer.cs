using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>The optimizers a training can use.</summary>
public enum OptimizerKind { Adam, Sgd }

public sealed record TrainOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 0;
    public long Seed { get; init; } = 42;
    /// <summary>A change of the gradients before each step (none by default).</summary>
    public GradientManipulation Gradient { get; init; } = GradientManipulation.None;
    /// <summary>Random shifts and flips of the training images (null: none).</summary>
    public Augmentation? Augment { get; init; }
    /// <summary>The share of training labels replaced by seeded random classes (<see cref="LabelNoise"/>, seed <see cref="Seed"/>); 0: none.</summary>
    public double LabelNoise { get; init; }
}

/// <summary>One finished epoch; the validation values are NaN without a validation set.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Seconds,
    double ValidationLoss = double.NaN, double ValidationAccuracy = double.NaN);

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
            OptimizerKind.Adam => new Adam(named, options.LearningRate, weightDecay: options.WeightDecay),
            OptimizerKind.Sgd => new Sgd(named, options.LearningRate, options.Momentum, options.WeightDecay),
        };
    }

    /// <param name="resume">
    /// A training stopped after some epochs: its optimizer state (the model holds its weights already)
    /// and its epochs. Training continues with the next epoch and reaches the same weights, bit for bit,
    /// as an uninterrupted run: every random choice of an epoch is seeded by the seed and the epoch.
    /// </param>
    public static TrainResult Train(nn.Module<Tensor, Tensor> model, Dataset train, Dataset? test, TrainOptions options,
        LossFunction loss, Action<int, int, int, double>? onStep = null, Action<EpochReport, IOptimizer>? onEpoch = null,
        (IReadOnlyDictionary<string, Tensor> OptimizerState, IReadOnlyList<EpochReport> Epochs)? resume = null, Dataset? validation = null)
    {
        if (options.Epochs < 1) throw new LlaException($"{{epochs}} must be at least 1 (got {options.Epochs})");
        if (!(options.LearningRate > 0)) throw new LlaException($"{{lr}} must be positive (got {options.LearningRate})");
        options.Gradient.Validate();
        var optimizer = CreateOptimizer(model, options);
        var trainable = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToList();
        var reports = new List<EpochReport>();
        if (resume is { } r)
        {
            optimizer.Restore(r.OptimizerState);
            reports.AddRange(r.Epochs);
        }
        // Inputs follow the model's floating type (a float64 model trains on float64 inputs).
        var dtype = model.parameters().Select(p => p.dtype).FirstOrDefault(ScalarType.Float32);
        // Without a test split (npy data has none) the epochs report no test loss or accuracy.
        var testBatches = EvaluationBatches(test, dtype);
        var validationBatches = EvaluationBatches(validation, dtype);
        try
        {
            for (int epoch = reports.Count + 1; epoch <= options.Epochs; epoch++)
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
                var evaluation = Evaluate(model, loss, testBatches);
                var validated = Evaluate(model, loss, validationBatches);
                var report = new EpochReport(epoch, lossSum / seen, train.IsClassification ? correct / seen : double.NaN, evaluation.Loss, evaluation.Accuracy,
                    clock.Elapsed.TotalSeconds, validated.Loss, validated.Accuracy);
                reports.Add(report);
                onEpoch?.Invoke(report, optimizer);
            }
        }
        finally
        {
            foreach (var batch in testBatches.Concat(validationBatches)) batch.Dispose();
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

    private static LossAndAccuracy Evaluate(nn.Module<Tensor, Tensor> model, LossFunction loss, List<Batch> batches) =>
        batches.Count > 0 ? new Objective(model, loss, batches).Evaluate() : new LossAndAccuracy(double.NaN, double.NaN);
}
