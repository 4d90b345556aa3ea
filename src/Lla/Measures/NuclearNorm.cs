using System.Diagnostics;
using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>The nuclear-norm family (<see cref="NuclearNorm"/>): label-free, one forward pass per batch, eval mode.</summary>
public sealed class NuclearNormFamily : MeasureFamily
{
    public static readonly NuclearNormFamily Instance = new();
    public override string Name => "nuclear";
    public override int Order => 84;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("nuclear_norm", -1, "nuclear norm of the softmax prediction matrix over √(N·min(N, K)): confident and dispersed predictions (label-free)"),
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) =>
        NuclearNorm.Compute(c.Model, c.Batches, EvaluationMicroBatch.For(c.Model, c.Batches, c.MicroBatch));
}

/// <summary>
/// <c>nuclear_norm</c> (Deng et al. 2023, "Confidence and Dispersity Speak: Characterising Prediction Matrix for
/// Unsupervised Accuracy Estimation", ICML): the softmax matrix P [N, K] of all analysed samples (eval mode,
/// float64), its nuclear norm ‖P‖_* = Σ σ_i(P) (<c>torch.linalg.svdvals</c> in float64) over its upper bound
/// √(N·min(N, K)) (‖P‖_* ≤ √rank·‖P‖_F and ‖P‖_F ≤ √N for rows on the simplex), as the authors normalize it;
/// in [0, 1]: 1 for confident predictions spread evenly over the classes, 1/K for uniform ones. Direction −1
/// (a larger value predicts a higher accuracy). Label-free.
/// </summary>
public static class NuclearNorm
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, int? microBatch = null)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var (logits, passes) = PredictionMatrix.Logits(model, batches, "the nuclear norm", microBatch);
        double value = Normalized(nn.functional.softmax(logits, 1));
        return new[] { NuclearNormFamily.Instance.Value("nuclear_norm") with { Value = value, Seconds = clock.Elapsed.TotalSeconds, ForwardPasses = passes } };
    }

    /// <summary>‖P‖_* / √(N·min(N, K)) of a prediction matrix <paramref name="p"/> [N, K], in float64.</summary>
    public static double Normalized(Tensor p)
    {
        if (p.dim() != 2 || p.shape[0] == 0 || p.shape[1] == 0) throw new ArgumentException("a prediction matrix is [N, K] with N, K ≥ 1", nameof(p));
        using var scope = NewDisposeScope();
        long n = p.shape[0], k = p.shape[1];
        double nuclear = linalg.svdvals(p.to(ScalarType.Float64)).sum().ToDouble();
        return nuclear / Math.Sqrt((double)n * Math.Min(n, k));
    }
}
