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

    private Objective(nn.Module module, IReadOnlyList<Batch> batches, Func<Batch, Tensor> batchLoss)
    {
        if (batches.Count == 0) throw new LlaException("no data: the objective needs at least one batch");
        Module = module;
        Batches = batches;
        SampleCount = batches.Sum(b => b.Count);
        _batchLoss = batchLoss;
    }

    /// <summary>The model's forward pass (outputs from inputs) when the objective was built from a <see cref="LossFunction"/>; null for a custom objective.</summary>
    public Func<Tensor, Tensor>? Forward => _forward;

    /// <summary>The loss of outputs against targets when the objective was built from a <see cref="LossFunction"/>; null for a custom objective.</summary>
    public LossFunction? Loss => _loss;

    /// <summary>Weight of batch i in the average: its share of the samples.</summary>
    public double Weight(int i) => (double)Batches[i].Count / SampleCount;

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
            using var scope = NewDisposeScope();
            var batch = Batches[i];
            double batchLoss;
            if (_forward is not null)
            {
                var outputs = _forward(batch.Inputs);
                batchLoss = _loss!(outputs, batch.Targets).ToDouble();
                // Next-token logits [N, T, V]: the batch's share of correct positions, weighted by its samples like the loss.
                if (LossFunctions.Correct(outputs, batch.Targets) is (double right, long counted))
                    correct += counted == 0 ? 0 : right / counted * batch.Count;
                else classification = false;
            }
            else batchLoss = _batchLoss(batch).ToDouble();
            if (!double.IsFinite(batchLoss) && !allowNonFinite)
                throw new LlaException($"the loss is {batchLoss} on batch {i + 1} of {Batches.Count}: the weights or the data hold non-finite values or the model diverged");
            loss += batchLoss * batch.Count;
        }
        return new LossAndAccuracy(loss / SampleCount, classification ? correct / SampleCount : double.NaN);
    }
}

/// <summary>Loss and accuracy; accuracy is NaN where it has no meaning (JSON: null).</summary>
public sealed record LossAndAccuracy(double Loss, double Accuracy);
