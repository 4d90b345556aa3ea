using Lla.Data;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Measures;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Studies;

/// <summary>What the study's measures of one model need beside its analysed batches: θ₀ (dist_init) and the validation batches (ATC, DoC).</summary>
public sealed record StudyMeasureInputs(Tensor? InitialParameters, IReadOnlyList<Batch>? Validation);

/// <summary>
/// The study's measures beyond its own SLQ criteria, on each analysed batch of one model and dataset
/// (so each has a spread over batches): the model's own labels' SLQ criteria (<c>re_predicted</c>,
/// <c>kh_predicted</c>, one SLQ per batch with the study's runs and steps, seeded apart from the
/// labelled SLQ), the cheap families of <c>lla measure</c> in eval mode and, when asked, the
/// sharpness family on the analysed batch (m-sharpness, <see cref="SharpnessSamples"/>,
/// BatchNorm in the study's analysis mode, as `lla measure` runs it; seeded per batch). Data-free
/// measures (weight spectra) are computed once and repeated for every batch.
/// </summary>
public static class StudyMeasuring
{
    public static (Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>> Values, Dictionary<string, double> Seconds) Compute(
        nn.Module<Tensor, Tensor> model, LossFunction loss, IReadOnlyList<Batch> batches, StudyAnalysis a, IReadOnlyList<string> asked,
        StudyMeasureInputs inputs, Action<AnalysisProgress> progress, string stage)
    {
        var wanted = asked.Where(m => !StudyMeasures.FromSpectrum.Contains(m)).ToHashSet();
        var perBatch = wanted.ToDictionary(m => m, _ => new List<IReadOnlyList<double?>>());
        var seconds = wanted.ToDictionary(m => m, _ => 0.0);
        if (wanted.Count == 0) return (new(), seconds);

        var families = wanted.Select(m => StudyMeasures.Meaning(m).Family).ToHashSet();
        IReadOnlyList<MeasureValue>? spectra = null;
        if (families.Contains(MeasureFamily.Spectra))
        {
            spectra = WeightSpectra.Compute(model);
            families.Remove(MeasureFamily.Spectra);
        }
        for (int b = 0; b < batches.Count; b++)
        {
            var one = new[] { batches[b] };
            var values = new List<MeasureValue>();
            if (spectra is not null) values.AddRange(spectra.Select(v => v with { Seconds = b == 0 ? v.Seconds : 0 }));
            using (new AnalysisMode(model, BatchNormMode.Eval))
            {
                if (families.Contains(MeasureFamily.Baseline)) values.AddRange(Baseline(model, loss, one));
                if (families.Contains(MeasureFamily.Margin) || families.Contains(MeasureFamily.Norms))
                    values.AddRange(MarginAndNorms.Compute(model, one, new MarginAndNormsOptions { InitialParameters = inputs.InitialParameters }));
                if (families.Contains(MeasureFamily.Confidence))
                    values.AddRange(Confidence.Compute(model, one, new ConfidenceOptions { Validation = inputs.Validation }));
            }
            if (families.Contains(MeasureFamily.Sharpness))
            {
                var (used, m) = SharpnessSamples((int)batches[b].Count);
                values.AddRange(Sharpness.Compute(new Objective(model, loss, one), new SharpnessOptions { SampleCount = used, BatchSize = m, Seed = a.Seed * 1000 + 700 + b }));
            }
            foreach (var v in values.Where(v => wanted.Contains(v.Name)))
            {
                perBatch[v.Name].Add(new[] { v.Value is double x && double.IsFinite(x) ? x : (double?)null });
                seconds[v.Name] += v.Seconds;
            }
            if (wanted.Contains("re_predicted") || wanted.Contains("kh_predicted"))
            {
                var (criteria, s) = Predicted(model, loss, batches[b], a, b, progress, stage);
                foreach (var (name, runs) in new[] { ("re_predicted", criteria.Runs.Select(r => r.Re)), ("kh_predicted", criteria.Runs.Select(r => r.Kh)) })
                {
                    if (!wanted.Contains(name)) continue;
                    perBatch[name].Add(runs.ToList());
                    seconds[name] += s;
                }
            }
        }
        return (perBatch.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<IReadOnlyList<double?>>)kv.Value), seconds);
    }

    /// <summary>The study's m-sharpness on a batch of n samples: m = METHOD.md's 128 (n itself when smaller) over the first n − (n mod m) samples.</summary>
    public static (int Samples, int BatchSize) SharpnessSamples(int samples)
    {
        int m = Math.Min(samples, new SharpnessOptions().BatchSize);
        return (samples - samples % m, m);
    }

    /// <summary>Accuracy and loss on exactly the analysed batch (eval mode): the cost-matched baseline.</summary>
    private static IEnumerable<MeasureValue> Baseline(nn.Module<Tensor, Tensor> model, LossFunction loss, Batch[] one)
    {
        var clock = Stopwatch.StartNew();
        var value = new Objective(model, loss, one).Evaluate(allowNonFinite: true);
        double s = clock.Elapsed.TotalSeconds;
        yield return new MeasureValue { Name = "batch_accuracy", Family = MeasureFamily.Baseline, Direction = -1, Value = value.Accuracy, Seconds = s / 2, NeedsLabels = true };
        yield return new MeasureValue { Name = "batch_loss", Family = MeasureFamily.Baseline, Direction = 1, Value = double.IsFinite(value.Loss) ? value.Loss : null, Seconds = s / 2, NeedsLabels = true };
    }

    /// <summary>SLQ criteria of one batch with the model's argmax labels (eval mode for the labels, the study's BatchNorm mode for the Hessian); each run's value kept.</summary>
    private static (CriteriaResult Criteria, double Seconds) Predicted(nn.Module<Tensor, Tensor> model, LossFunction loss, Batch batch, StudyAnalysis a, int index,
        Action<AnalysisProgress> progress, string stage)
    {
        var clock = Stopwatch.StartNew();
        Tensor labels;
        using (new AnalysisMode(model, BatchNormMode.Eval))
        using (no_grad())
            labels = model.call(batch.Inputs).argmax(1).DetachFromDisposeScope();
        CriteriaResult criteria;
        try
        {
            using var mode = new AnalysisMode(model, BatchNormMode.Train);
            using var scope = NewDisposeScope();
            var parameters = ParameterSet.Of(model);
            var op = new HessianOperator(new Objective(model, loss, new[] { new Batch(batch.Inputs, labels) }), parameters);
            var esd = SpectralDensity.Estimate(op, new SlqOptions { Runs = a.SlqRuns, Steps = (int)Math.Min(a.LanczosSteps, parameters.Dimension), Seed = a.Seed * 1000 + 500 + index },
                (step, all) => progress(new AnalysisProgress($"{stage}: predicted-label spectrum", step, all)));
            criteria = Criteria.FromSpectrum(esd.Runs, a.KhPower, a.CtThreshold);
        }
        finally
        {
            labels.Dispose();
        }
        return (criteria, clock.Elapsed.TotalSeconds);
    }
}
