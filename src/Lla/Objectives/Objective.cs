using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>
/// "The loss of this model on this data": a model, a loss and one or more batches. The value over
/// several batches is their batch-size-weighted average, so N batches give the same number as one
/// batch holding all of them (for losses that are means over samples).
/// Two ways to say what the loss is: a <see cref="LossFunction"/> of the model's outputs and the
/// targets (accuracy is then measured too, for integer labels), or any function of the model and a
/// batch that returns a scalar tensor (for models with several inputs, auxiliary terms, …).
/// With a micro-batch size (<see cref="SplitInto"/>) each batch is computed in parts of at most that
/// many samples, each weighted by its share of the batch (<see cref="PartWeight"/>), so the loss, the
/// gradient and every curvature product are exactly the whole batch's (to summation order) with the
/// memory of one part.
/// </summary>
public sealed class Objective
{
    private readonly Func<Batch, Tensor> _batchLoss;
    private readonly Func<Tensor, Tensor>? _forward;
    private readonly LossFunction? _loss;

    /// <summary>The module whose parameters the objective depends on.</summary>
    public nn.Module Module { get; }
    public IReadOnlyList<Batch> Batches { get; }
    public long SampleCount { get; }

    public Objective(nn.Module<Tensor, Tensor> model, LossFunction loss, IReadOnlyList<Batch> batches)
        : this(model, batches, b => loss(model.forward(b.Inputs), b.Targets))
    {
        _forward = model.forward;
        _loss = loss;
    }

    /// <summary>A custom objective: <paramref name="loss"/> maps the model and a batch to a scalar loss tensor (mean over the batch).</summary>
    public Objective(nn.Module model, Func<nn.Module, Batch, Tensor> loss, IReadOnlyList<Batch> batches)
        : this(model, batches, b => loss(model, b)) { }

    private Objective(nn.Module module, IReadOnlyList<Batch> batches, Func<Batch, Tensor> batchLoss, Func<Tensor, Tensor>? forward, LossFunction? loss)
        : this(module, batches, batchLoss)
    {
        _forward = forward;
        _loss = loss;
    }

    private Objective(nn.Module module, IReadOnlyList<Batch> batches, Func<Batch, Tensor> batchLoss)
    {
        if (batches.Count == 0) throw new LlaException("no data: the objective needs at least one batch");
        Module = module;
        Batches = batches;
        SampleCount = batches.Sum(b => b.Count);
        _batchLoss = batchLoss;
    }

    /// <summary>The same loss of the same module on other <paramref name="batches"/>, split into the same micro-batch (<see cref="SplitInto"/>).</summary>
    public Objective On(IReadOnlyList<Batch> batches)
    {
        var other = new Objective(Module, batches, _batchLoss, _forward, _loss);
        other.SplitInto(MicroBatch);
        return other;
    }

    /// <summary>
    /// The loss of batch <paramref name="i"/> as the weighted sum of its parts' (<see cref="PartWeight"/> over the batch's
    /// <see cref="Weight"/>), each part's graph built (autograd as currently enabled) and handed to <paramref name="part"/>
    /// (e.g. to take its gradient before the next part is computed); returns the batch's loss value.
    /// </summary>
    public double BatchLossInParts(int i, Action<Tensor, double>? part = null)
    {
        double total = 0;
        for (int j = 0; j < PartCount(i); j++)
        {
            double share = PartCount(i) == 1 ? 1.0 : PartWeight(i, j) / Weight(i);
            if (share == 0) continue;
            using var scope = NewDisposeScope();
            var loss = _batchLoss(Part(i, j));
            part?.Invoke(loss, share);
            total += share * loss.ToDouble();
        }
        return total;
    }

    /// <summary>The model's forward pass (outputs from inputs) when the objective was built from a <see cref="LossFunction"/>; null for a custom objective.</summary>
    public Func<Tensor, Tensor>? Forward => _forward;

    /// <summary>The loss of outputs against targets when the objective was built from a <see cref="LossFunction"/>; null for a custom objective.</summary>
    public LossFunction? Loss => _loss;

    /// <summary>Weight of batch i in the average: its share of the samples.</summary>
    public double Weight(int i) => (double)Batches[i].Count / SampleCount;

    /// <summary>The most samples (windows, images) one forward pass holds; null: whole batches.</summary>
    public int? MicroBatch { get; private set; }

    // Per batch, each part's share of the batch's loss (null: the batch is one part).
    private double[]?[] _shares = Array.Empty<double[]?>();

    /// <summary>
    /// Computes every batch in parts of at most <paramref name="microBatch"/> samples (null: whole batches).
    /// A part's share of its batch is its share of the batch's predicted positions for the next-token loss
    /// (a mean over positions, padding left out), else its share of the samples (a mean over samples).
    /// Refused where BatchNorm normalizes by the batch's own statistics: a part's statistics differ from the batch's.
    /// </summary>
    public void SplitInto(int? microBatch)
    {
        if (microBatch is < 1) throw new LlaException($"{{micro-batch}} must be at least 1 (got {microBatch})");
        var shares = new double[]?[Batches.Count];
        if (microBatch is int m)
        {
            for (int i = 0; i < Batches.Count; i++)
            {
                long count = Batches[i].Count;
                if (count <= m) continue;
                if (NormalizesByBatch(Module))
                    throw new LlaException($"{{micro-batch}} {m} is smaller than the batch ({count} samples) on a model with BatchNorm in train mode, whose statistics are the whole batch's: use {{bn}} eval or a {{micro-batch}} of at least {{batch-size}}");
                shares[i] = Shares(Batches[i], m);
            }
        }
        MicroBatch = microBatch;
        _shares = shares;
    }

    /// <summary>How many parts batch <paramref name="i"/> is computed in (1 without micro-batches).</summary>
    public int PartCount(int i) => i < _shares.Length && _shares[i] is double[] s ? s.Length : 1;

    /// <summary>
    /// Part <paramref name="j"/> of batch <paramref name="i"/>: the batch itself when it is one part, else views of
    /// its rows (new tensor handles that the caller's dispose scope owns; never dispose the returned batch itself).
    /// </summary>
    public Batch Part(int i, int j)
    {
        var batch = Batches[i];
        if (PartCount(i) == 1) return batch;
        long m = MicroBatch!.Value, start = j * m, length = Math.Min(m, batch.Count - start);
        return new Batch(batch.Inputs.narrow(0, start, length), batch.Targets.narrow(0, start, length));
    }

    /// <summary>Part j of batch i's weight in the whole objective: the batch's weight times the part's share of the batch. 0 for a part that predicts nothing.</summary>
    public double PartWeight(int i, int j) => Weight(i) * (PartCount(i) == 1 ? 1.0 : _shares[i]![j]);

    private double[] Shares(Batch batch, long m)
    {
        int parts = (int)((batch.Count + m - 1) / m);
        var counts = new double[parts];
        bool positions = _loss is not null && _loss == (LossFunction)LossFunctions.NextTokenCrossEntropy && batch.Targets.dim() == 2;
        using (var scope = NewDisposeScope())
            for (int j = 0; j < parts; j++)
            {
                long start = j * m, length = Math.Min(m, batch.Count - start);
                counts[j] = positions ? batch.Targets.narrow(0, start, length).ne(LossFunctions.IgnoreIndex).sum().ToInt64() : length;
            }
        double total = counts.Sum();
        // A batch with nothing to predict has a NaN loss either way: weigh its parts by samples.
        if (total == 0) return Enumerable.Range(0, parts).Select(j => (double)Math.Min(m, batch.Count - j * m) / batch.Count).ToArray();
        return counts.Select(c => c / total).ToArray();
    }

    /// <summary>Whether a forward pass of <paramref name="module"/> normalizes by the batch's statistics (BatchNorm in train mode; a TorchScript model in train mode may).</summary>
    private static bool NormalizesByBatch(nn.Module module) =>
        (module is Lla.Models.TorchScriptModel && module.training)
        || module.named_modules().Any(m => AnalysisMode.IsBatchNorm(m.module) && m.module.training)
        || (AnalysisMode.IsBatchNorm(module) && module.training);

    /// <summary>The loss of one batch as a graph-carrying scalar (autograd as currently enabled).</summary>
    public Tensor BatchLoss(Batch batch) => _batchLoss(batch);

    /// <summary>
    /// Loss and accuracy (argmax of the outputs against integer labels; for next-token logits [N, T, V]
    /// the share of predicted positions right) over all batches, without autograd. Accuracy is NaN for
    /// float targets and for custom objectives.
    /// </summary>
    /// <param name="allowNonFinite">Landscape points far from θ* may legitimately overflow; elsewhere a non-finite loss is an error.</param>
    public LossAndAccuracy Evaluate(bool allowNonFinite = false)
    {
        using var _ = no_grad();
        double loss = 0, correct = 0;
        bool classification = _forward is not null;
        for (int i = 0; i < Batches.Count; i++)
        {
            var batch = Batches[i];
            double batchLoss = 0, right = 0;
            long counted = 0;
            for (int j = 0; j < PartCount(i); j++)
            {
                using var scope = NewDisposeScope();
                var part = Part(i, j);
                double share = PartWeight(i, j) / Weight(i);
                if (_forward is not null)
                {
                    var outputs = _forward(part.Inputs);
                    // A part that predicts nothing (every target padding) has a NaN loss and a share of 0.
                    if (share > 0 || PartCount(i) == 1) batchLoss += share * _loss!(outputs, part.Targets).ToDouble();
                    // Next-token logits [N, T, V]: the batch's share of correct positions, weighted by its samples like the loss.
                    if (LossFunctions.Correct(outputs, part.Targets) is (double r, long c)) { right += r; counted += c; }
                    else classification = false;
                }
                else if (share > 0 || PartCount(i) == 1) batchLoss += share * _batchLoss(part).ToDouble();
            }
            if (classification && _forward is not null) correct += counted == 0 ? 0 : right / counted * batch.Count;
            if (!double.IsFinite(batchLoss) && !allowNonFinite)
                throw new LlaException($"the loss is {batchLoss} on batch {i + 1} of {Batches.Count}: the weights or the data hold non-finite values or the model diverged");
            loss += batchLoss * batch.Count;
        }
        return new LossAndAccuracy(loss / SampleCount, classification ? correct / SampleCount : double.NaN);
    }
}

/// <summary>Loss and accuracy; accuracy is NaN where it has no meaning (JSON: null).</summary>
public sealed record LossAndAccuracy(double Loss, double Accuracy);
