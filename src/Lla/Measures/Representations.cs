using System.Diagnostics;
using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="Representations"/>.</summary>
public sealed record RepresentationOptions
{
    /// <summary>
    /// The layer whose outputs the Davies–Bouldin index clusters, by its name in <c>named_modules()</c> (e.g.
    /// <c>conv1</c>, <c>layer1.0.conv1</c>); null: the first convolution or linear layer the forward pass calls
    /// (Natekar &amp; Sharma's "initial" layer). An unknown name is refused, listing the model's layers.
    /// </summary>
    public string? Layer { get; init; }
    /// <summary>The max-pooling window over a feature map's height and width before flattening (theirs: 4).</summary>
    public int Pool { get; init; } = 4;
    /// <summary>The seed of the Mixup pairs.</summary>
    public long Seed { get; init; }
}

/// <summary>The representation family (<see cref="Representations"/>): the PGDL 2020 winners; forward passes only, eval mode.</summary>
public sealed class RepresentationFamily : MeasureFamily
{
    public static readonly RepresentationFamily Instance = new();
    public override string Name => "representation";
    public override int Order => 82;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("davies_bouldin", 1, "Davies–Bouldin index of the first layer's max-pooled outputs, the classes as clusters") { NeedsLabels = true },
        new("mixup_accuracy", -1, "accuracy on mixtures (λ = 0.5) of two inputs of the same class, mean over classes") { NeedsLabels = true },
        new("db_mixup", 1, "davies_bouldin × (1 − mixup_accuracy), the winner of the PGDL 2020 competition") { NeedsLabels = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) =>
        Representations.Compute(c.Model, c.Batches, c.Representation with { Seed = c.Seed }, EvaluationMicroBatch.For(c.Model, c.Batches, c.MicroBatch));
}

/// <summary>
/// The representation-based measures of Natekar &amp; Sharma (2020), winners of the NeurIPS 2020 competition on
/// Predicting Generalization in Deep Learning (their code: github.com/parthnatekar/pgdl, <c>complexityDB</c>,
/// <c>complexityMixup</c> and their product in <c>complexity.py</c>), on the analysed batches in eval mode:
/// <list type="bullet">
/// <item><c>davies_bouldin</c> (+1): <see cref="DaviesBouldin"/> of the layer's representation
/// (<see cref="LayerRepresentation"/>: the first convolution or linear layer by default, 4×4 max-pooled,
/// flattened), the true classes as the clusters, over all analysed samples at once (two forward passes: the
/// centroids, then the distances). Their code averages it over ten groups of 120 samples;</item>
/// <item><c>mixup_accuracy</c> (−1): <see cref="LabelwiseMixup"/>, λ = 0.5, seeded;</item>
/// <item><c>db_mixup</c> (+1): davies_bouldin × (1 − mixup_accuracy), their final score (a larger value: worse
/// separated early representations and less robust interpolation, a larger gap).</item>
/// </list>
/// Labels are class indices [batch] (int64); outputs [batch, classes] (Mixup). Too few classes for a measure
/// leaves that measure without a value, with the reason.
/// </summary>
public static class Representations
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, RepresentationOptions? options = null, int? microBatch = null)
    {
        options ??= new RepresentationOptions();
        CheckLabels(batches, "the representation measures");
        var family = RepresentationFamily.Instance;

        var clock = Stopwatch.StartNew();
        var (db, layer, dbPasses) = DaviesBouldinOf(model, batches, options, microBatch);
        double dbSeconds = clock.Elapsed.TotalSeconds;
        var dbValue = family.Value("davies_bouldin") with { Seconds = dbSeconds, ForwardPasses = dbPasses };
        dbValue = double.IsNaN(db) ? dbValue with { Reason = "the analysed data has fewer than two classes" }
                                   : dbValue with { Value = db, Reason = $"layer {layer}" };

        clock.Restart();
        var mixup = LabelwiseMixup.Compute(model, batches, options.Seed, microBatch);
        double mixupSeconds = clock.Elapsed.TotalSeconds;
        var mixupValue = family.Value("mixup_accuracy") with { Seconds = mixupSeconds, ForwardPasses = mixup.ForwardPasses };
        mixupValue = double.IsNaN(mixup.Accuracy) ? mixupValue with { Reason = "no class has two samples in the analysed data" }
                                                  : mixupValue with { Value = mixup.Accuracy, Reason = $"{mixup.Mixtures} same-class pairs over {mixup.Classes} classes" };

        var product = family.Value("db_mixup") with { Seconds = dbSeconds + mixupSeconds, ForwardPasses = dbPasses + mixup.ForwardPasses };
        product = dbValue.Value is double d && mixupValue.Value is double a
            ? product with { Value = d * (1 - a) }
            : product with { Reason = dbValue.Value is null ? dbValue.Reason : mixupValue.Reason };
        return new[] { dbValue, mixupValue, product };
    }

    /// <summary>The Davies–Bouldin index of the layer's representation over all batches (NaN with fewer than two classes), the layer's name, the forward passes.</summary>
    public static (double Index, string Layer, long ForwardPasses) DaviesBouldinOf(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, RepresentationOptions options, int? microBatch = null)
    {
        CheckLabels(batches, "the Davies–Bouldin index");
        int classes;
        using (NewDisposeScope()) classes = (int)batches.Max(b => b.Targets.max().ToInt64()) + 1;
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        using var layer = new LayerRepresentation(model, options.Layer, options.Pool, batches[0].Inputs);
        long passes = layer.TracePasses;
        DaviesBouldin? db = null;
        try
        {
            foreach (bool centroids in new[] { true, false })
                foreach (var batch in batches)
                    for (long start = 0; start < batch.Count; start += microBatch ?? batch.Count)
                    {
                        using var scope = NewDisposeScope();
                        long length = Math.Min(microBatch ?? batch.Count, batch.Count - start);
                        using var points = layer.Of(batch.Inputs.narrow(0, start, length));
                        passes++;
                        db ??= new DaviesBouldin(classes, points.shape[1], points.device);
                        var labels = batch.Targets.narrow(0, start, length).to(points.device);
                        if (centroids) db.AddToCentroids(points, labels);
                        else db.AddToSpreads(points, labels);
                    }
            return (db!.Index(), layer.Name, passes);
        }
        finally
        {
            db?.Dispose();
        }
    }

    /// <summary>Refuses data these measures cannot read: no batch, or labels that are not class indices [batch] (int64) (e.g. a language model's next tokens [N, T]).</summary>
    internal static void CheckLabels(IReadOnlyList<Batch> batches, string what)
    {
        if (batches.Count == 0) throw new LlaException($"no data for {what}: at least one batch is needed");
        using var scope = NewDisposeScope();
        foreach (var b in batches)
        {
            if (b.Targets.dtype != ScalarType.Int64 || b.Targets.dim() != 1 || b.Targets.shape[0] != b.Count)
                throw new LlaException($"{what}: the labels must be class indices [batch] (int64), not {b.Targets.dtype} [{string.Join(", ", b.Targets.shape)}]");
            if (b.Count > 0 && b.Targets.min().ToInt64() < 0)
                throw new LlaException($"{what}: the labels must be class indices ≥ 0 (found {b.Targets.min().ToInt64()})");
        }
    }
}
