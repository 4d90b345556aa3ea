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
/// labelled SLQ), and every family a study offers (<see cref="MeasureFamily.InStudies"/>, from
/// <see cref="MeasureFamilies"/>) whose measures are asked, through the family's own computation:
/// forward-only families in eval mode, the others (sharpness: m-sharpness, <see cref="SharpnessSamples"/>)
/// in the study's analysis mode, as `lla measure` runs them; seeded per batch. Data-free families
/// (weight spectra) are computed once and repeated for every batch.
/// </summary>
public static class StudyMeasuring
{
    /// <param name="microBatch">The windows of a GPT one product holds (<see cref="StudyMicroBatch"/>); null: whole batches.</param>
    /// <returns>Each measure's values [batch][run], its seconds, and for a measure without values (its family does not apply to the model) why.</returns>
    public static (Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>> Values, Dictionary<string, double> Seconds, Dictionary<string, string> Reasons) Compute(
        nn.Module<Tensor, Tensor> model, LossFunction loss, IReadOnlyList<Batch> batches, StudyAnalysis a, IReadOnlyList<string> asked,
        StudyMeasureInputs inputs, Action<AnalysisProgress> progress, string stage, int? microBatch = null)
    {
        var wanted = asked.Where(m => !StudyMeasures.FromSpectrum.Contains(m)).ToHashSet();
        var perBatch = wanted.ToDictionary(m => m, _ => new List<IReadOnlyList<double?>>());
        var seconds = wanted.ToDictionary(m => m, _ => 0.0);
        var reasons = new Dictionary<string, string>();
        if (wanted.Count == 0) return (new(), seconds, reasons);

        // The families of the asked measures (the study's own SLQ gives the curvature ones), in the registry's order.
        var families = MeasureFamilies.All.Where(f => f.InStudies && f.Measures.Any(m => wanted.Contains(m.Name))).ToArray();
        MeasureContext Context(IReadOnlyList<Batch> on, int b) => new()
        {
            Model = model, Loss = loss, Batches = on, Seed = a.Seed * 1000 + 700 + b, InitialParameters = inputs.InitialParameters, Validation = inputs.Validation,
            Sharpness = SharpnessOn(on),
        };
        // Data-free families read the weights only: computed once, repeated for every batch (their cost counted once).
        var dataFree = families.Where(f => f.Measures.All(m => m.DataFree)).ToDictionary(f => f, f => Run(f, Context(new[] { batches[0] }, 0)));
        for (int b = 0; b < batches.Count; b++)
        {
            var one = new[] { batches[b] };
            var values = new List<MeasureValue>();
            foreach (var family in families)
                values.AddRange(dataFree.TryGetValue(family, out var once) ? once.Select(v => v with { Seconds = b == 0 ? v.Seconds : 0 }) : Run(family, Context(one, b)));
            foreach (var v in values.Where(v => wanted.Contains(v.Name)))
            {
                perBatch[v.Name].Add(new[] { v.Value is double x && double.IsFinite(x) ? x : (double?)null });
                seconds[v.Name] += v.Seconds;
                if (v.Value is null && v.Reason is { } reason) reasons.TryAdd(v.Name, reason);
            }
            if (wanted.Contains("re_predicted") || wanted.Contains("kh_predicted"))
            {
                var (criteria, s) = Predicted(model, loss, batches[b], a, b, progress, stage, microBatch);
                foreach (var (name, runs) in new[] { ("re_predicted", criteria.Runs.Select(r => r.Re)), ("kh_predicted", criteria.Runs.Select(r => r.Kh)) })
                {
                    if (!wanted.Contains(name)) continue;
                    perBatch[name].Add(runs.ToList());
                    seconds[name] += s;
                }
            }
        }
        return (perBatch.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<IReadOnlyList<double?>>)kv.Value), seconds, reasons);
    }

    /// <summary>
    /// A family's measures on a context: forward-only families in eval mode, the others in the study's analysis mode (the model's as given).
    /// A family the model cannot give (e.g. the margin or the confidence of a language model's next-token outputs [N, T, V]) is unavailable
    /// with its reason, as in `lla measure`: its measures have no values, and the study goes on.
    /// </summary>
    private static IReadOnlyList<MeasureValue> Run(MeasureFamily family, MeasureContext context)
    {
        try { return RunIn(family, context); }
        catch (LlaException e) when (e is not NumericGuardException) { return family.Unavailable(e.Message); }
    }

    private static IReadOnlyList<MeasureValue> RunIn(MeasureFamily family, MeasureContext context)
    {
        switch (family.Mode)
        {
            case MeasureMode.Eval:
                using (new AnalysisMode(context.Model, BatchNormMode.Eval)) return family.Compute(context).ToList();
            case MeasureMode.Analysis:
                return family.Compute(context).ToList();
        }
        throw new InvalidOperationException($"measure mode {family.Mode}");
    }

    private static SharpnessOptions SharpnessOn(IReadOnlyList<Batch> batches)
    {
        var (used, m) = SharpnessSamples((int)batches.Sum(b => b.Count));
        return new SharpnessOptions { SampleCount = used, BatchSize = m };
    }

    /// <summary>The study's m-sharpness on a batch of n samples: m = METHOD.md's 128 (n itself when smaller) over the first n − (n mod m) samples.</summary>
    public static (int Samples, int BatchSize) SharpnessSamples(int samples)
    {
        int m = Math.Min(samples, new SharpnessOptions().BatchSize);
        return (samples - samples % m, m);
    }

    /// <summary>SLQ criteria of one batch with the model's argmax labels (eval mode for the labels, the study's BatchNorm mode for the Hessian); each run's value kept.</summary>
    private static (CriteriaResult Criteria, double Seconds) Predicted(nn.Module<Tensor, Tensor> model, LossFunction loss, Batch batch, StudyAnalysis a, int index,
        Action<AnalysisProgress> progress, string stage, int? microBatch)
    {
        var clock = Stopwatch.StartNew();
        Tensor labels = PredictedLabels(model, batch, microBatch);
        CriteriaResult criteria;
        try
        {
            using var mode = new AnalysisMode(model, BatchNormMode.Train);
            using var scope = NewDisposeScope();
            var parameters = ParameterSet.Of(model);
            var objective = new Objective(model, loss, new[] { new Batch(batch.Inputs, labels) });
            objective.SplitInto(microBatch);
            var op = new HessianOperator(objective, parameters);
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

    /// <summary>
    /// The model's most likely output (eval mode) for every sample: its class for outputs [N, C], its next token at every
    /// position for a language model's [N, T, V]; computed in parts of <paramref name="microBatch"/> samples when given.
    /// </summary>
    private static Tensor PredictedLabels(nn.Module<Tensor, Tensor> model, Batch batch, int? microBatch)
    {
        using var mode = new AnalysisMode(model, BatchNormMode.Eval);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n = batch.Count, part = microBatch ?? n;
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += part)
            parts.Add(model.call(batch.Inputs.narrow(0, start, Math.Min(part, n - start))).argmax(-1));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
