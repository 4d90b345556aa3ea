using Lla.Guard;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Runs;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// A measure run (`lla measure`): every asked family of generalization measures of one model on the
/// analysed data selection, beside the papers' criteria; results.json's <c>measures</c>. Forward-only
/// families run in eval mode, curvature and sharpness in the analysis's BatchNorm mode. Unavailable
/// measures (no θ₀, no validation set) are listed with the reason, never guessed. Draws nothing.
/// </summary>
public static class MeasureRun
{
    public static RunResults Execute(MeasureRunOptions o, Action<AnalysisProgress>? progress = null, IProcessGroup? group = null, Action<string>? say = null)
    {
        group ??= SingleProcess.Instance;
        o.Validate();
        // The validation set is the user's input too: checked (and read) before any work.
        using var validation = LoadValidation(o, o.Source);
        var settings = o.Settings;
        using var runLock = RunLock.ForJob(o.OutDir, group, say, claim: new RunClaim("measure", settings, Force: o.Force));
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var source = o.Source;
        using var session = AnalysisSession.Open(source, o.Selection);
        var parameters = ParameterSet.Of(session.Model);
        foreach (var family in o.Families.Distinct()) family.CheckFits(o, parameters);
        var atWeights = session.Objective.Evaluate();
        var (measures, decision) = Compute(session, parameters, o, timings, progress, group, validation);
        timings["total"] = total.Elapsed.TotalSeconds;
        if (!group.IsRoot) return new RunResults { Command = "measure" };

        var data = RunRecords.Data(session, o.Selection);
        var results = new RunResults
        {
            Command = "measure",
            Seed = source.Seed,
            Options = settings,
            Versions = Versions.All(),
            Model = RunRecords.Model(source, parameters, session.Model),
            Data = data,
            BnMode = RunRecords.BatchNorm(o.Selection),
            NumericGuard = decision is null ? null : HessianRecords.Guard(decision),
            Loss = atWeights.Loss,
            Perplexity = RunRecords.Perplexity(source, atWeights.Loss),
            Accuracy = atWeights.Accuracy,
            Measures = measures.Select(m => MeasureRecords.From(m, data, RunRecords.BatchNorm(o.Selection), o.PredictedLabels)).ToArray(),
            Timings = timings,
            Processes = group.Describe(),
        };
        new RunFolder(o.OutDir).WriteResults(results);
        return results;
    }

    /// <summary>
    /// The asked families on an open session (also what `lla analyze` adds): the measures, and the numeric
    /// guard's decision when a family did backward work. Seconds per family go to <paramref name="timings"/>.
    /// </summary>
    public static (List<MeasureValue> Measures, OneDnnDecision? Guard) Compute(AnalysisSession session, ParameterSet parameters, MeasureRunOptions o,
        IDictionary<string, double> timings, Action<AnalysisProgress>? progress, IProcessGroup group)
    {
        using var validation = LoadValidation(o, session.Source);
        return Compute(session, parameters, o, timings, progress, group, validation);
    }

    private static (List<MeasureValue> Measures, OneDnnDecision? Guard) Compute(AnalysisSession session, ParameterSet parameters, MeasureRunOptions o,
        IDictionary<string, double> timings, Action<AnalysisProgress>? progress, IProcessGroup group, ValidationSet? validation)
    {
        var source = session.Source;
        using var init = LoadInit(o, session);
        // With predicted labels every label-taking measure sees the model's own argmax (eval mode) instead of the data's labels.
        var batches = o.PredictedLabels ? Relabel(session) : session.Batches;
        var asked = o.Families.Distinct().OrderBy(f => f.Order).ToArray();
        var context = MeasureContext.Of(session) with
        {
            Batches = batches, Parameters = parameters, PredictedLabels = o.PredictedLabels,
            InitialParameters = init, Validation = validation?.Batches, TrainingSetSize = () => TrainingSetSize(source),
            Analysis = o.Analysis, Sharpness = o.Sharpness, Group = group, Progress = progress,
        };
        var measures = new List<MeasureValue>();
        OneDnnDecision? decision = null;
        try
        {
            if (asked.Length == 1) asked[0].CheckAlone(context);
            foreach (var family in asked)
            {
                var clock = Stopwatch.StartNew();
                progress?.Invoke(new AnalysisProgress($"measures: {family.Name}", 0, null, "families"));
                try
                {
                    var values = family.Mode switch
                    {
                        MeasureMode.Analysis => Guarded(() => family.Compute(context)),
                        MeasureMode.Eval => Eval(() => family.Compute(context)),
                    };
                    measures.AddRange(values);
                }
                catch (LlaException e) when (asked.Length > 1)
                {
                    // A family this model cannot give (e.g. norms of a graph without traceable layers) is unavailable, with the reason; the others go on.
                    measures.AddRange(family.Unavailable(e.Message));
                }
                timings[family.Name] = clock.Elapsed.TotalSeconds;
            }
        }
        finally
        {
            if (o.PredictedLabels) foreach (var b in batches) b.Targets.Dispose();
        }
        return (measures, decision);

        // Backward work runs behind the numeric guard, decided once for the run.
        IReadOnlyList<MeasureValue> Guarded(Func<IReadOnlyList<MeasureValue>> work)
        {
            decision ??= session.DecideOneDnn(o.OneDnn, GuardProbe.Analysis());
            using var scope = decision.Scope();
            var values = work();
            decision = session.PostCheck(decision, GuardProbe.Analysis(), "the measures");
            return values;
        }

        IReadOnlyList<MeasureValue> Eval(Func<IReadOnlyList<MeasureValue>> work)
        {
            using var mode = new AnalysisMode(session.Model, BatchNormMode.Eval);
            return work().ToList();
        }
    }

    /// <summary>θ₀: --init, or WEIGHTS.init beside the weights (what `lla train` saves); null when neither exists.</summary>
    private static Tensor? LoadInit(MeasureRunOptions o, AnalysisSession session)
    {
        string? path = o.Init ?? (session.Source.Weights is string w && File.Exists(w + ".init") ? w + ".init" : null);
        if (path is null) return null;
        var model = (session.Source with { Weights = path }).Build(session.Data);
        return ParameterSet.Of(model).Flatten();
    }

    /// <summary>The validation set ATC and DoC calibrate on: the test split of its spec (e.g. holdout:0.1:DATA, the last 10% of DATA's training split).</summary>
    private static ValidationSet? LoadValidation(MeasureRunOptions o, ModelSource source)
    {
        if (!o.Families.Any(f => f.Measures.Any(m => m.NeedsValidation))) return null;
        string? spec = o.Validation ?? RecordedValidation(source);
        return spec is null ? null : LoadValidation(spec, source, given: o.Validation is not null);
    }

    private static ValidationSet LoadValidation(string spec, ModelSource source, bool given)
    {
        string origin = given ? "{validation}" : $"the validation set recorded beside the weights ({source.Weights}.json)";
        Dataset data;
        try
        {
            if (!DataSpec.HasTestSplit(spec)) throw new LlaException($"{origin} {spec} has no held-out split (give e.g. holdout:0.1:DATA)");
            data = DataSpec.Load(spec, Split.Test);
        }
        catch (LlaException e) when (!e.Template.StartsWith(origin, StringComparison.Ordinal))
        {
            // The data reader names the data it reads as {data}: here it is the validation set.
            throw new LlaException(e.Template.Contains("{data}") ? e.Template.Replace("{data}", origin) : $"{origin} {spec}: {e.Template}", e);
        }
        var batches = data.Batches(1024, null, false, 0);
        if (source.DType != ScalarType.Float32) batches = batches.Select(b => new Batch(b.Inputs.to(source.DType).DetachFromDisposeScope(), b.Targets)).ToList();
        return new ValidationSet(data, batches);
    }

    private sealed class ValidationSet(Dataset data, List<Batch> batches) : IDisposable
    {
        public List<Batch> Batches => batches;
        public void Dispose() { foreach (var b in batches) b.Dispose(); data.Dispose(); }
    }

    /// <summary>The validation set the weights' training held out (WEIGHTS.json's <c>validation</c>, written by a training with a validation split), if any.</summary>
    private static string? RecordedValidation(ModelSource source)
    {
        string? record = source.Weights is string w ? w + ".json" : null;
        if (record is null || !File.Exists(record)) return null;
        try
        {
            string? spec = System.Text.Json.JsonSerializer.Deserialize<TrainedWeights>(File.ReadAllText(record), ResultsSerializer.Options)?.Validation;
            return spec is null ? null : DataSpec.ResolveFrom(spec, Path.GetDirectoryName(Path.GetFullPath(record))!);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException) { return null; }
    }

    /// <summary>What a measure run reads of WEIGHTS.json, the record `lla train` writes beside the weights.</summary>
    private sealed record TrainedWeights(string? Validation);

    /// <summary>m of the PAC-Bayes bounds: the training split's size.</summary>
    private static long TrainingSetSize(ModelSource source)
    {
        using var train = source.LoadData(Split.Train);
        return train.Count;
    }

    private static List<Batch> Relabel(AnalysisSession session)
    {
        using var mode = new AnalysisMode(session.Model, BatchNormMode.Eval);
        return PredictedLabels.Relabel(session.Model, session.Batches, session.Objective.MicroBatch);
    }
}
