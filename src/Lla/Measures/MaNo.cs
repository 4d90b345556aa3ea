using System.Diagnostics;
using System.Globalization;
using Lla.Data;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="MaNo"/> (the authors' defaults).</summary>
public sealed record ManoOptions
{
    /// <summary>p of the entry-wise Lp norm.</summary>
    public double P { get; init; } = 4;
    /// <summary>η: softmax when the criterion Φ exceeds it, its Taylor approximation otherwise.</summary>
    public double Threshold { get; init; } = 5;
}

/// <summary>The MaNo family (<see cref="MaNo"/>): label-free, one forward pass per batch, eval mode.</summary>
public sealed class ManoFamily : MeasureFamily
{
    public static readonly ManoFamily Instance = new();
    public override string Name => "mano";
    public override int Order => 86;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("mano", -1, "normalized L4 norm of the logit matrix after softmax or its Taylor approximation, by MaNo's criterion (label-free)"),
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) =>
        MaNo.Compute(c.Model, c.Batches, null, EvaluationMicroBatch.For(c.Model, c.Batches, c.MicroBatch));
}

/// <summary>
/// <c>mano</c> (Xie et al. 2024, "MaNo: Exploiting Matrix Norm for Unsupervised Accuracy Estimation Under
/// Distribution Shifts", NeurIPS; code github.com/Renchunzi-Xie/MaNo, <c>algs/mano.py</c>): the logits Z [N, K]
/// of all analysed samples (eval mode, float64), normalized row by row into Q, and the score
/// ‖Q‖_p / (N·K)^(1/p) = (mean over entries of Q^p)^(1/p), p = 4. The normalization follows their criterion
/// Φ = −(1/(N·K)) Σ_ik log softmax(Z)_ik (the cross-entropy of the predictions to the uniform distribution,
/// their <c>uniform_cross_entropy</c>): Φ &gt; η = 5 (confident, well-separated outputs): Q = softmax(Z);
/// otherwise the second-order Taylor approximation of the exponential, v = 1 + z + z²/2, minus the row's
/// smallest entry, divided by the row's sum (their <c>normalize(p = 1)</c>: a row whose entries are all equal
/// becomes zeros). The value carries the choice and Φ as its note. Direction −1. Label-free.
/// <para>Differences from their code, which the paper's definition settles: Φ and the score over all analysed
/// samples at once (their code averages per-batch scores and takes Φ from one batch of the first shifted set),
/// and eval mode (their code scores in train mode). The outputs are taken as logits: Taylor's branch is not
/// shift-invariant, so a model ending in log_softmax scores differently there.</para>
/// </summary>
public static class MaNo
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, ManoOptions? options = null, int? microBatch = null)
    {
        options ??= new ManoOptions();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var (logits, passes) = PredictionMatrix.Logits(model, batches, "MaNo", microBatch);
        var (score, criterion, softmax) = Score(logits, options);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"{(softmax ? "softmax" : "Taylor")} normalization: Φ = {criterion:G4} {(softmax ? ">" : "≤")} {options.Threshold:G4}");
        return new[] { ManoFamily.Instance.Value("mano") with { Value = score, Reason = note, Seconds = clock.Elapsed.TotalSeconds, ForwardPasses = passes } };
    }

    /// <summary>The score of logits <paramref name="logits"/> [N, K], the criterion Φ, and whether softmax normalized them.</summary>
    public static (double Score, double Criterion, bool Softmax) Score(Tensor logits, ManoOptions? options = null)
    {
        options ??= new ManoOptions();
        if (!(options.P > 0)) throw new LlaException($"MaNo's p must be positive (got {options.P})");
        if (logits.dim() != 2 || logits.shape[0] == 0 || logits.shape[1] == 0) throw new ArgumentException("logits are [N, K] with N, K ≥ 1", nameof(logits));
        using var scope = NewDisposeScope();
        var z = logits.to(ScalarType.Float64);
        double criterion = -nn.functional.log_softmax(z, 1).mean().ToDouble();
        bool softmax = criterion > options.Threshold;
        Tensor q;
        if (softmax) q = nn.functional.softmax(z, 1);
        else
        {
            var v = 1 + z + z.square() / 2;
            v = v - v.amin(new long[] { 1 }, keepdim: true);
            q = v / v.abs().sum(1, keepdim: true).clamp_min(1e-12);
        }
        double score = Math.Pow(q.abs().pow(options.P).mean().ToDouble(), 1 / options.P);
        return (score, criterion, softmax);
    }
}
