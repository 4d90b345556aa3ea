using Lla.Data;
using Lla.Runs;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>The curvature family: the Hessian's spectrum and the papers' criteria, in the analysis's BatchNorm mode behind the numeric guard (<see cref="CurvatureMeasures"/>).</summary>
public sealed class CurvatureFamily : MeasureFamily
{
    public static readonly CurvatureFamily Instance = new();
    public override string Name => "curvature";
    public override int Order => 10;
    public override MeasureMode Mode => MeasureMode.Analysis;
    public override bool InStudies => false; // a study computes these from its own SLQ runs

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("lambda_max", 1, "the sharpest curvature of the loss (top Hessian eigenvalue)") { NeedsLabels = true },
        new("trace", 1, "the total curvature (sum of the Hessian's eigenvalues)") { NeedsLabels = true },
        new("re", 1, "|λmin/λmax|: how large the most negative curvature is next to the most positive (papers' criterion)") { NeedsLabels = true },
        new("kh", 1, "weighted mass of negative against positive eigenvalues (papers' criterion)") { NeedsLabels = true },
        new("ct", -1, "λmin/λmax: decides whether the spectrum is mainly positive (MP) and the criteria apply") { NeedsLabels = true },
        new("hessian_frobenius", 1, "the Hessian's size over all directions, ‖H‖_F") { NeedsLabels = true },
        new("re_predicted", 1, "re with the model's own predictions as labels: needs no labels"),
        new("kh_predicted", 1, "Kh with the model's own predictions as labels: needs no labels"),
    };

    public override void Validate(MeasureRunOptions options) => options.Analysis.Validate();

    public override void CheckFits(MeasureRunOptions options, ParameterSet parameters) =>
        HessianAnalysis.CheckFits(options.Analysis with { TopK = 1 }, parameters.Dimension, parameters.DType);

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c)
    {
        var session = c.Session ?? throw new InvalidOperationException("the curvature family runs on an analysis session");
        return CurvatureMeasures.Compute(session, c.Objective(), c.Parameters ?? ParameterSet.Of(c.Model), c.Analysis, c.Progress, c.Group);
    }
}

/// <summary>The cost-matched baseline: accuracy and loss on exactly the analysed samples, in eval mode.</summary>
public sealed class BaselineFamily : MeasureFamily
{
    public static readonly BaselineFamily Instance = new();
    public override string Name => "baseline";
    public override int Order => 20;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("batch_accuracy", -1, "accuracy on exactly the Hessian's samples: the cost-matched baseline any criterion must beat") { NeedsLabels = true },
        new("batch_loss", 1, "loss on exactly the Hessian's samples") { NeedsLabels = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => CurvatureMeasures.Baseline(c);
}

/// <summary>
/// The curvature family, from the Hessian of the analysed objective (BatchNorm in the analysis mode):
/// <c>lambda_max</c> (top eigenvalue by Lanczos), <c>trace</c> (Hutch++), the papers' criteria <c>re</c>,
/// <c>kh</c>, <c>ct</c> (SLQ, spread over runs), <c>hessian_frobenius</c> (‖H‖_F = √E‖Hz‖² over
/// Rademacher z, spread by the delta method), and <c>re_predicted</c>, <c>kh_predicted</c>: the same
/// criteria with the model's own argmax (eval mode) as labels, so they need no labels. Each HVP is one
/// forward and two backward passes per batch. And the cost-matched baseline: <c>batch_accuracy</c> and
/// <c>batch_loss</c> on exactly the Hessian's samples (eval mode).
/// </summary>
public static class CurvatureMeasures
{
    public const int FrobeniusProbes = 10;

    /// <param name="objective">The analysed objective: the session's, or the same batches with predicted labels.</param>
    public static IReadOnlyList<MeasureValue> Compute(AnalysisSession session, Objective objective, ParameterSet parameters, HessianAnalysisOptions analysis,
        Action<AnalysisProgress>? progress = null, IProcessGroup? group = null)
    {
        var list = new List<MeasureValue>();
        int batches = session.Batches.Count;
        var clock = Stopwatch.StartNew();
        var op = new HessianOperator(objective, parameters, group);
        var result = HessianAnalysis.Run(op, analysis with { TopK = 1, Trace = true, Esd = true }, progress);
        double seconds = clock.Elapsed.TotalSeconds;
        MeasureValue Curvature(string name, double? value, double? spread, long hvps, double secs, string? reason = null, bool labels = true) => new()
        {
            Name = name, Family = CurvatureFamily.Instance, Direction = CurvatureFamily.Instance.Measure(name).Direction, Value = value is double v && double.IsFinite(v) ? v : null,
            Reason = reason ?? (value is double w && !double.IsFinite(w) ? "not finite" : null), Spread = spread, Seconds = secs,
            ForwardPasses = hvps * batches, BackwardPasses = 2 * hvps * batches, NeedsLabels = labels,
        };
        var e = result.Eigen!;
        var t = result.Trace!;
        var c = result.Criteria!;
        double Share(string stage) => result.TimingsSeconds.GetValueOrDefault(stage, seconds / 3);
        list.Add(Curvature("lambda_max", e.Pairs[0].Value, null, e.OperatorApplications, Share("eigen")));
        list.Add(Curvature("trace", t.Trace, t.StandardError, t.OperatorApplications, Share("trace")));
        long slq = result.Esd!.OperatorApplications;
        list.Add(Curvature("re", c.Re, c.Runs.Count > 1 ? c.ReStd : null, slq, Share("esd"), c.Re is null ? "λmax = 0" : null));
        list.Add(Curvature("kh", c.Kh, c.Runs.Count > 1 ? c.KhStd : null, slq, Share("esd"), c.Kh is null ? KhMissing(c) : null));
        list.Add(Curvature("ct", c.Ct, c.Runs.Count > 1 ? c.CtStd : null, slq, Share("esd")));

        clock.Restart();
        var (frobenius, frobeniusSpread) = Frobenius(op, analysis.Seed + 3);
        list.Add(Curvature("hessian_frobenius", frobenius, frobeniusSpread, FrobeniusProbes, clock.Elapsed.TotalSeconds));

        clock.Restart();
        var predicted = Predicted(session, parameters, analysis, progress, group);
        double predictedSeconds = clock.Elapsed.TotalSeconds;
        list.Add(Curvature("re_predicted", predicted.Criteria.Re, predicted.Criteria.Runs.Count > 1 ? predicted.Criteria.ReStd : null, predicted.Hvps, predictedSeconds, labels: false));
        list.Add(Curvature("kh_predicted", predicted.Criteria.Kh, predicted.Criteria.Runs.Count > 1 ? predicted.Criteria.KhStd : null, predicted.Hvps, predictedSeconds,
            predicted.Criteria.Kh is null ? KhMissing(predicted.Criteria) : null, labels: false));
        return list;
    }

    /// <summary>The cost-matched baseline: accuracy and loss on the context's own samples, in eval mode (unavailable under predicted labels).</summary>
    public static IReadOnlyList<MeasureValue> Baseline(MeasureContext c)
    {
        var family = BaselineFamily.Instance;
        if (c.PredictedLabels)
            return family.Unavailable("needs the data's own labels (this run uses predicted labels)");
        var clock = Stopwatch.StartNew();
        LossAndAccuracy value;
        using (new AnalysisMode(c.Model, BatchNormMode.Eval)) value = c.Objective().Evaluate(allowNonFinite: true);
        double seconds = clock.Elapsed.TotalSeconds;
        int passes = c.Batches.Count;
        return new[]
        {
            family.Value("batch_accuracy") with { Value = double.IsFinite(value.Accuracy) ? value.Accuracy : null,
                Reason = double.IsFinite(value.Accuracy) ? null : "no accuracy for this loss", Seconds = seconds, ForwardPasses = passes },
            family.Value("batch_loss") with { Value = double.IsFinite(value.Loss) ? value.Loss : null,
                Reason = double.IsFinite(value.Loss) ? null : "not finite", Seconds = seconds, ForwardPasses = passes },
        };
    }

    /// <summary>‖H‖_F = √tr(H²) = √E‖Hz‖² over Rademacher z; the spread is the delta method's standard error.</summary>
    private static (double Value, double Spread) Frobenius(ILinearOperator op, long seed)
    {
        var squares = new double[FrobeniusProbes];
        using var generator = new Generator((ulong)seed);
        for (int i = 0; i < FrobeniusProbes; i++)
        {
            using var scope = NewDisposeScope();
            var z = RandomVectors.Rademacher(op.Dimension, op.DType, generator, op.Device);
            squares[i] = op.Apply(z).pow(2).sum().ToDouble();
        }
        double mean = squares.Average();
        double se = Math.Sqrt(squares.Sum(s => (s - mean) * (s - mean)) / (FrobeniusProbes - 1) / FrobeniusProbes);
        double value = Math.Sqrt(mean);
        return (value, se / (2 * value));
    }

    /// <summary>The SLQ criteria of the Hessian with the model's own predictions (argmax, eval mode) as labels.</summary>
    private static (CriteriaResult Criteria, long Hvps) Predicted(AnalysisSession session, ParameterSet parameters, HessianAnalysisOptions analysis,
        Action<AnalysisProgress>? progress, IProcessGroup? group)
    {
        var loss = session.Source.LossFunction;
        if (!session.Source.Loss.TakesLabels())
            throw new LlaException($"predicted labels need a classification loss (cross-entropy or nll), not {session.Source.Loss.Name()}");
        var relabelled = new List<Batch>();
        try
        {
            using (new AnalysisMode(session.Model, BatchNormMode.Eval))
                relabelled.AddRange(PredictedLabels.Relabel(session.Model, session.Batches, session.Objective.MicroBatch));
            var objective = new Objective(session.Model, loss, relabelled);
            objective.SplitInto(session.Objective.MicroBatch);
            var op = new HessianOperator(objective, parameters, group);
            var slq = SpectralDensity.Estimate(op, new SlqOptions { Runs = analysis.Runs, Steps = (int)Math.Min(analysis.LanczosSteps, op.Dimension), Seed = analysis.Seed + 2 },
                (step, all) => progress?.Invoke(new AnalysisProgress("predicted-label spectrum", step, all)));
            return (Criteria.FromSpectrum(slq.Runs, analysis.KhPower, analysis.CtThreshold), op.ApplyCount);
        }
        finally
        {
            foreach (var b in relabelled) b.Targets.Dispose();
        }
    }

    /// <summary>Why Kh has no value, from the runs' notes: no positive eigenvalue mass, or beyond the largest double at a large power.</summary>
    private static string KhMissing(CriteriaResult c)
    {
        var reasons = c.Runs.Select(r => r.Note).OfType<string>().SelectMany(n => n.Split("; ")).Where(n => n.Contains("Kh")).Distinct().ToList();
        return reasons.Count == 0 ? "no Kh" : string.Join("; ", reasons);
    }
}
