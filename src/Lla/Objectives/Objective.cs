using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Objectives;

/// <summary>
/// "The loss of this model on this data": a model, a loss function and one or more batches. The
/// value over several batches is their batch-size-weighted average, so N batches give the same
/// number as one batch holding all of them (for losses that are means over samples).
/// </summary>
public sealed class Objective
{
    public nn.Module<Tensor, Tensor> Model { get; }
    public LossFunction Loss { get; }
    public IReadOnlyList<Batch> Batches { get; }
    public long SampleCount { get; }

    public Objective(nn.Module<Tensor, Tensor> model, LossFunction loss, IReadOnlyList<Batch> batches)
    {
        if (batches.Count == 0) throw new LlaException("no data: the objective needs at least one batch");
        Model = model;
        Loss = loss;
        Batches = batches;
        SampleCount = batches.Sum(b => b.Count);
    }

    /// <summary>Weight of batch i in the average: its share of the samples.</summary>
    public double Weight(int i) => (double)Batches[i].Count / SampleCount;

    /// <summary>The loss of one batch as a graph-carrying scalar (autograd as currently enabled).</summary>
    public Tensor BatchLoss(Batch batch) => Loss(Model.forward(batch.Inputs), batch.Targets);

    /// <summary>Loss and accuracy (argmax of the outputs against integer labels) over all batches, without autograd.</summary>
    /// <param name="allowNonFinite">Landscape points far from θ* may legitimately overflow; elsewhere a non-finite loss is an error.</param>
    public LossAndAccuracy Evaluate(bool allowNonFinite = false)
    {
        using var _ = no_grad();
        double loss = 0, correct = 0;
        bool classification = true;
        for (int i = 0; i < Batches.Count; i++)
        {
            using var scope = NewDisposeScope();
            var batch = Batches[i];
            var outputs = Model.forward(batch.Inputs);
            double batchLoss = Loss(outputs, batch.Targets).ToDouble();
            if (!double.IsFinite(batchLoss) && !allowNonFinite)
                throw new LlaException($"the loss is {batchLoss} on batch {i + 1} of {Batches.Count}: the weights or the data hold non-finite values or the model diverged");
            loss += batchLoss * batch.Count;
            if (batch.Targets.dtype == ScalarType.Int64 && outputs.dim() == 2)
                correct += outputs.argmax(1).eq(batch.Targets).sum().ToDouble();
            else classification = false;
        }
        return new LossAndAccuracy(loss / SampleCount, classification ? correct / SampleCount : double.NaN);
    }
}

/// <summary>Loss and accuracy; accuracy is NaN for regression targets (JSON: null).</summary>
public sealed record LossAndAccuracy(double Loss, double Accuracy);
