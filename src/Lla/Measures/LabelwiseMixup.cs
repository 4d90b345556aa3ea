using Lla.Data;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>What <see cref="LabelwiseMixup.Compute"/> found: the accuracy (NaN when no class has two samples) and its cost.</summary>
public sealed record MixupResult(double Accuracy, long Mixtures, int Classes, long ForwardPasses);

/// <summary>
/// Label-wise Mixup accuracy (Natekar &amp; Sharma 2020, <c>complexityMixup</c> of their code): inputs of two
/// samples of the same class mixed as λ·x_i + (1 − λ)·x_j with λ = 0.5, and the share of mixtures the model
/// (eval mode) predicts as that class; per class, then the mean over the classes that have a pair (their
/// mean over labels). Their code takes every pair i &lt; j of a class within batches of ten samples per class;
/// here the pairs are drawn from all of a class's samples in the analysed data: every pair when the class
/// has at most ten samples (n(n − 1)/2 ≤ 4.5·n), otherwise ⌊4.5·n⌋ distinct pairs (as many per sample as their
/// batches give) drawn uniformly with the seed, so the cost stays about 4.5 forward passes per sample.
/// </summary>
public static class LabelwiseMixup
{
    /// <summary>λ of the mixtures (their <c>alpha = 0.5</c>).</summary>
    public const double Lambda = 0.5;

    /// <summary>The number of pairs a class of <paramref name="n"/> samples gives: min(n(n − 1)/2, ⌊9n/2⌋).</summary>
    public static long PairCount(long n) => Math.Min(n * (n - 1) / 2, 9 * n / 2);

    /// <summary>
    /// <see cref="PairCount"/> distinct pairs (i &lt; j) of [0, n): all of them in order i, then j when that is every
    /// pair; otherwise drawn uniformly (rejecting repeats) from <paramref name="generator"/>, in the order drawn.
    /// </summary>
    public static IReadOnlyList<(int I, int J)> Pairs(int n, Generator generator)
    {
        long count = PairCount(n);
        var pairs = new List<(int, int)>((int)Math.Max(count, 0));
        if (count <= 0) return pairs;
        if (count == (long)n * (n - 1) / 2)
        {
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) pairs.Add((i, j));
            return pairs;
        }
        var seen = new HashSet<(int, int)>();
        while (pairs.Count < count)
        {
            long draws = 2 * (count - pairs.Count) + 8;
            using var drawn = randint(0, n, new long[] { draws, 2 }, dtype: ScalarType.Int64, generator: generator);
            var values = drawn.data<long>().ToArray();
            for (long k = 0; k < draws && pairs.Count < count; k++)
            {
                int a = (int)values[2 * k], b = (int)values[2 * k + 1];
                if (a == b) continue;
                var pair = (Math.Min(a, b), Math.Max(a, b));
                if (seen.Add(pair)) pairs.Add(pair);
            }
        }
        return pairs;
    }

    /// <summary>The label-wise Mixup accuracy of a classifier on <paramref name="batches"/> (labels [n], int64); eval mode, the model's modes restored.</summary>
    /// <param name="microBatch">The most mixtures per forward pass; null: the largest batch's size.</param>
    public static MixupResult Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, long seed, int? microBatch = null)
    {
        Representations.CheckLabels(batches, "label-wise Mixup");
        if (batches.Any(b => !b.Inputs.is_floating_point()))
            throw new LlaException("label-wise Mixup mixes inputs: it needs real-valued inputs, not token ids");
        long[][] labels;
        using (NewDisposeScope()) labels = batches.Select(b => b.Targets.cpu().data<long>().ToArray()).ToArray();
        long part = Math.Max(1, microBatch ?? batches.Max(b => b.Count));
        using var generator = new Generator((ulong)seed);
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        double accuracySum = 0;
        long mixtures = 0, passes = 0;
        int classes = 0;
        foreach (long c in labels.SelectMany(l => l).Distinct().OrderBy(c => c))
        {
            using var scope = NewDisposeScope();
            // The class's samples, in data order.
            var rows = batches.Select((b, k) => (Batch: b, Rows: Enumerable.Range(0, labels[k].Length).Where(i => labels[k][i] == c).Select(i => (long)i).ToArray()))
                .Where(x => x.Rows.Length > 0).ToArray();
            int n = rows.Sum(x => x.Rows.Length);
            var pairs = Pairs(n, generator);
            if (pairs.Count == 0) continue;
            var samples = cat(rows.Select(x => x.Batch.Inputs.index_select(0, tensor(x.Rows, device: x.Batch.Inputs.device))).ToArray(), 0);
            long right = 0;
            for (int start = 0; start < pairs.Count; start += (int)part)
            {
                using var inner = NewDisposeScope();
                var chunk = pairs.Skip(start).Take((int)part).ToArray();
                var i = tensor(chunk.Select(p => (long)p.I).ToArray(), device: samples.device);
                var j = tensor(chunk.Select(p => (long)p.J).ToArray(), device: samples.device);
                var mixed = samples.index_select(0, i) * Lambda + samples.index_select(0, j) * (1 - Lambda);
                var z = model.call(mixed);
                passes++;
                if (z.dim() != 2) throw new LlaException("label-wise Mixup needs outputs [batch, classes]");
                right += z.argmax(1).eq(c).sum().ToInt64();
            }
            accuracySum += (double)right / pairs.Count;
            mixtures += pairs.Count;
            classes++;
        }
        return new MixupResult(classes == 0 ? double.NaN : accuracySum / classes, mixtures, classes, passes);
    }
}
