using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>
/// A labelled dataset held in memory: inputs [N, …] as float32 and integer labels [N]; or token
/// windows (Lla.Data.Text): inputs int64 [N, T] and next-token targets int64 [N, T], the class count
/// being the vocabulary. Batches cut along the first axis either way.
/// </summary>
public sealed class Dataset : IDisposable
{
    public Tensor Inputs { get; }
    public Tensor Labels { get; }
    public string Description { get; }
    public int NumClasses { get; }

    public Dataset(Tensor inputs, Tensor labels, string description, int? numClasses = null)
    {
        if (inputs.shape[0] != labels.shape[0])
            throw new LlaException($"{description}: {inputs.shape[0]} inputs but {labels.shape[0]} labels");
        if (inputs.shape[0] == 0) throw new LlaException($"{description} holds no samples");
        Inputs = inputs;
        Labels = labels;
        Description = description;
        if (is_floating_point(labels))
        {
            // Regression targets: no classes to check.
            IsClassification = false;
            NumClasses = numClasses ?? (int)(labels.dim() > 1 ? labels.shape[^1] : 1);
            return;
        }
        IsClassification = true;
        long max = labels.max().ToInt64(), min = labels.min().ToInt64();
        if (min < 0) throw new LlaException($"{description}: label {min} is negative");
        if (numClasses is null && max >= int.MaxValue)
            throw new LlaException($"{description}: label {max} is out of range: labels are class indices 0 to N-1, so it would need a model of {(decimal)max + 1} classes (at most {int.MaxValue})");
        NumClasses = numClasses ?? (int)Math.Max(max + 1, 2);
        if (max >= NumClasses)
            throw new LlaException($"{description}: label {max} is outside the model's {NumClasses} classes (0..{NumClasses - 1})");
        if (min == max)
            throw new LlaException($"{description}: every sample has label {min}; a classification needs at least two classes present (the loss and the curvature would be those of a constant)");
    }

    /// <summary>Integer labels (classification) rather than float targets (regression).</summary>
    public bool IsClassification { get; }

    public long Count => Inputs.shape[0];
    public long[] SampleShape => Inputs.shape[1..];

    /// <summary>Checks that every label fits a model with <paramref name="classes"/> outputs.</summary>
    public void RequireClasses(int classes)
    {
        if (!IsClassification) return;
        long max = Labels.max().ToInt64();
        if (max >= classes)
            throw new LlaException($"{Description}: label {max} is outside the model's {classes} classes (0..{classes - 1})");
    }

    /// <summary>
    /// Consecutive batches of <paramref name="batchSize"/> samples (the last may be smaller), in
    /// file order or in a seeded random order; at most <paramref name="maxBatches"/> of them
    /// (null: all). The batches are views or copies owned by the caller.
    /// </summary>
    public List<Batch> Batches(int batchSize, int? maxBatches, bool shuffle, long seed, Device? device = null)
    {
        if (batchSize < 1) throw new LlaException($"{{batch-size}} must be at least 1 (got {batchSize})");
        if (maxBatches is < 1) throw new LlaException($"{{batches}} must be at least 1 (got {maxBatches})");
        long n = Count;
        Tensor? order = shuffle ? randperm(n, generator: new Generator((ulong)seed)) : null;
        var list = new List<Batch>();
        for (long start = 0; start < n && (maxBatches is null || list.Count < maxBatches); start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            Tensor x, y;
            if (order is null)
            {
                x = Inputs.narrow(0, start, size);
                y = Labels.narrow(0, start, size);
            }
            else
            {
                using var idx = order.narrow(0, start, size);
                x = Inputs.index_select(0, idx);
                y = Labels.index_select(0, idx);
            }
            if (device is not null && device.type != DeviceType.CPU) { x = x.to(device, disposeAfter: true); y = y.to(device, disposeAfter: true); }
            list.Add(new Batch(x.DetachFromDisposeScope(), y.DetachFromDisposeScope()));
        }
        order?.Dispose();
        return list;
    }

    /// <summary>Samples [start, start + count) as a dataset of their own (copies), with the same class count.</summary>
    public Dataset Slice(long start, long count, string description) =>
        new(Inputs.narrow(0, start, count).clone().DetachFromDisposeScope(), Labels.narrow(0, start, count).clone().DetachFromDisposeScope(), description,
            IsClassification ? NumClasses : null);

    public void Dispose() { Inputs.Dispose(); Labels.Dispose(); }
}
