using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>
/// Label noise (a hyperparameter axis of model zoos, Jiang et al. 2020): a fraction f of the training
/// samples, chosen by a seeded permutation (the first round(f·n) indices), get a class drawn uniformly
/// from all classes (so about 1/K of them keep their label). The same seed and data give the same labels.
/// </summary>
public static class LabelNoise
{
    /// <summary>The dataset with noisy labels; its inputs share the original's storage (an alias, disposed separately).</summary>
    public static Dataset Apply(Dataset data, double fraction, long seed)
    {
        if (!(fraction >= 0 && fraction <= 1)) throw new LlaException($"label noise must be a fraction in [0, 1] (got {fraction})");
        if (!data.IsClassification) throw new LlaException("label noise needs class labels");
        var labels = data.Labels.to(ScalarType.Int64).data<long>().ToArray();
        var random = new Random(unchecked((int)(seed * 7919 + 17)));
        int n = labels.Length, count = (int)Math.Round(fraction * n);
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < count; i++) labels[order[i]] = random.Next(data.NumClasses);
        return new Dataset(data.Inputs.alias(), tensor(labels, dtype: data.Labels.dtype, device: data.Labels.device),
            $"{data.Description}, {fraction:P0} label noise (seed {seed})", data.NumClasses);
    }
}
