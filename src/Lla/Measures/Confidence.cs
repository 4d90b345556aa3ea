using Lla.Data;
using System.Diagnostics;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="Confidence"/>.</summary>
public sealed record ConfidenceOptions
{
    /// <summary>
    /// A labelled validation set from the training distribution, disjoint from the training samples and
    /// from the test split; ATC and DoC calibrate on it. Without it they are unavailable (calibrating on
    /// the test split would leak its labels).
    /// </summary>
    public IReadOnlyList<Batch>? Validation { get; init; }
}

/// <summary>The confidence family (<see cref="Confidence"/>): label-free, eval mode; ATC and DoC calibrate on the validation set.</summary>
public sealed class ConfidenceFamily : MeasureFamily
{
    public static readonly ConfidenceFamily Instance = new();
    public override string Name => "confidence";
    public override int Order => 80;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("confidence_mean", -1, "mean top softmax probability on the data (label-free)"),
        new("entropy_mean", 1, "mean predictive entropy on the data (label-free)"),
        new("atc_accuracy", -1, "accuracy predicted by average thresholded confidence, calibrated on validation data") { NeedsValidation = true },
        new("doc_accuracy", -1, "accuracy predicted by the difference of confidences to validation data") { NeedsValidation = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => Confidence.Compute(c.Model, c.Batches, new ConfidenceOptions { Validation = c.Validation });
}

/// <summary>
/// Label-free confidence measures on the target data (eval mode; the model's outputs are taken as
/// logits, so a model ending in log_softmax gives the same probabilities):
/// <list type="bullet">
/// <item><c>confidence_mean</c>: mean max-softmax (direction −1);</item>
/// <item><c>entropy_mean</c>: mean entropy −Σ_k p_k ln p_k in nats (direction +1: less certain, larger gap);</item>
/// <item><c>atc_accuracy</c> (Garg et al. 2022, max-softmax score): a threshold t on the validation set such
/// that the share of validation samples with confidence &gt; t equals the validation accuracy k/n —
/// t = the (n − k)-th smallest validation confidence (t = 0 when k = n, since max-softmax &gt; 0); the
/// predicted target accuracy is the share of target samples with confidence &gt; t (direction −1). With
/// tied confidences at t the validation share can fall below k/n;</item>
/// <item><c>doc_accuracy</c> (difference of confidences): validation accuracy − (mean validation confidence −
/// mean target confidence) (direction −1).</item>
/// </list>
/// </summary>
public static class Confidence
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> target, ConfidenceOptions? options = null)
    {
        options ??= new ConfidenceOptions();
        if (target.Count == 0) throw new LlaException("no data: the confidence measures need at least one target batch");
        var clock = Stopwatch.StartNew();
        var (targetConfidence, entropy, _) = Scores(model, target, withLabels: false);
        double seconds = clock.Elapsed.TotalSeconds;
        var results = new List<MeasureValue>
        {
            new() { Name = "confidence_mean", Family = ConfidenceFamily.Instance, Direction = -1, Value = targetConfidence.Average(), Seconds = seconds, ForwardPasses = target.Count },
            new() { Name = "entropy_mean", Family = ConfidenceFamily.Instance, Direction = 1, Value = entropy.Average(), Seconds = seconds, ForwardPasses = target.Count },
        };

        var atc = new MeasureValue { Name = "atc_accuracy", Family = ConfidenceFamily.Instance, Direction = -1 };
        var doc = atc with { Name = "doc_accuracy" };
        if (options.Validation is null || options.Validation.Count == 0)
        {
            const string reason = "no labelled validation set was given (ATC and DoC are never calibrated on the test split)";
            results.Add(atc with { Reason = reason });
            results.Add(doc with { Reason = reason });
            return results;
        }
        clock.Restart();
        var (validationConfidence, _, correct) = Scores(model, options.Validation, withLabels: true);
        double validationAccuracy = correct!.Average(c => c ? 1.0 : 0.0);
        double threshold = AtcThreshold(validationConfidence, correct!.Count(c => c));
        double predicted = targetConfidence.Average(c => c > threshold ? 1.0 : 0.0);
        double docValue = validationAccuracy - (validationConfidence.Average() - targetConfidence.Average());
        seconds += clock.Elapsed.TotalSeconds;
        long passes = target.Count + options.Validation.Count;
        results.Add(atc with { Value = predicted, Seconds = seconds, ForwardPasses = passes });
        results.Add(doc with { Value = docValue, Seconds = seconds, ForwardPasses = passes });
        return results;
    }

    /// <summary>The ATC threshold: with k of n validation samples correct, the (n − k)-th smallest confidence (0 when k = n).</summary>
    public static double AtcThreshold(IReadOnlyList<double> validationConfidence, int correctCount)
    {
        int n = validationConfidence.Count;
        if (correctCount < 0 || correctCount > n) throw new ArgumentOutOfRangeException(nameof(correctCount));
        if (correctCount == n) return 0;
        var sorted = validationConfidence.OrderBy(c => c).ToArray();
        return sorted[n - correctCount - 1];
    }

    /// <summary>Per-sample max-softmax, entropy and (with labels) whether the argmax is right; eval mode.</summary>
    public static (double[] Confidence, double[] Entropy, bool[]? Correct) Scores(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, bool withLabels)
    {
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        var confidence = new List<double>();
        var entropy = new List<double>();
        var correct = new List<bool>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var z = model.call(batch.Inputs);
            if (z.dim() != 2) throw new LlaException("the confidence measures need outputs [batch, classes]");
            var logP = nn.functional.log_softmax(z.to(ScalarType.Float64), 1);
            var p = logP.exp();
            confidence.AddRange(p.max(1).values.data<double>().ToArray());
            entropy.AddRange((-(p * logP).sum(1)).data<double>().ToArray());
            if (withLabels)
            {
                if (batch.Targets.dtype != ScalarType.Int64)
                    throw new LlaException("the validation set of ATC and DoC needs class-index labels (int64)");
                correct.AddRange(z.argmax(1).eq(batch.Targets).data<bool>().ToArray());
            }
        }
        return (confidence.ToArray(), entropy.ToArray(), withLabels ? correct.ToArray() : null);
    }
}
