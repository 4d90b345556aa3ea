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

namespace Lla.Connectivity;

/// <summary>
/// A connectivity run (`lla connect`, METHOD.md "Mode connectivity"): loads model A (the source's weights) and model
/// B (<see cref="ConnectRunOptions.To"/>), refuses them unless they share one architecture, then draws the linear path
/// from A to B; with alignment, permutes B by weight matching, writes it as aligned-b.bin and draws the aligned linear
/// path; with a curve, trains the bend (on the aligned B when aligned) by <see cref="CurveTraining"/>, saving where it
/// stands after every epoch (<see cref="BendProgress"/>, so an interrupted run resumes exactly), writes it as bend.bin
/// and draws the curve. results.json is written last; every file atomically. Every user mistake is refused before
/// anything is written. Draws nothing.
/// </summary>
public static class ConnectRun
{
    /// <summary>Model B permuted to match model A: a state dict that loads like any weights file.</summary>
    public const string AlignedFile = "aligned-b.bin";
    /// <summary>The trained bend θ_C: a state dict of the models' architecture.</summary>
    public const string BendFile = "bend.bin";
    /// <summary>The SGD momentum of the bend's training.</summary>
    public const double Momentum = 0.9;

    public static RunResults Execute(ConnectRunOptions o, Action<AnalysisProgress>? progress = null, CancellationToken cancel = default,
        Action<string>? say = null)
    {
        o.Validate();
        // One run per folder; a run refused before any work leaves no folder it created.
        using var runLock = RunLock.ForJob(o.OutDir, SingleProcess.Instance, say, claim: new RunClaim("connect", o.Settings, o.Resume, o.Force));
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var asked = o.Settings;

        var clock = Stopwatch.StartNew();
        var selection = new DataSelection(Split.Train, o.BatchSize, null, false, BatchNormMode.Eval) { MicroBatch = o.MicroBatch };
        using var session = AnalysisSession.Open(o.Source, selection);
        var modelA = session.Model;
        var modelB = LoadB(o, session.Data);
        var test = TestBatches(o);
        var data = new PathData(session.Batches, test, o.Source.LossFunction);
        data.Validate(modelA);
        var ends = PathEnds.Of(modelA, modelB);
        var resume = o.Resume ? BendProgress.Load(o.OutDir, asked, ends.A) : null;
        timings["load"] = clock.Elapsed.TotalSeconds;

        var pathOptions = new PathOptions { Points = o.Points, BatchNorm = o.BatchNorm, MicroBatch = o.MicroBatch };
        Action<int, int> Report(string stage, string unit = "points") => (done, all) =>
        {
            progress?.Invoke(new AnalysisProgress(stage, done, all, unit));
            cancel.ThrowIfCancellationRequested();
        };
        var paths = new List<PathResult>();
        clock.Restart();
        paths.Add(LinearPath.Evaluate(modelA, ends, data, pathOptions, Report("linear path")));
        timings["linear"] = clock.Elapsed.TotalSeconds;

        var folder = new RunFolder(o.OutDir);
        string? alignedFile = null, bendFile = null;
        AlignmentRecord? alignment = null;
        CurveTrainingRecord? curveRecord = null;
        var curveEnds = ends;
        var planes = new List<LandscapeRecord>();
        OneDnnDecision? guard = null;
        if (o.Align == PathAlignment.Weights)
        {
            clock.Restart();
            var matching = WeightMatching.Align(modelA, modelB, new WeightMatchingOptions(o.Source.Seed));
            alignment = new AlignmentRecord(matching.InitialInner, matching.FinalInner, matching.Rounds, matching.Converged,
                matching.Permutations.ToDictionary(kv => kv.Key, kv => kv.Value));
            curveEnds = PathEnds.AlignedWith(modelA, matching);
            TensorFile.Write(folder.File(AlignedFile), matching.AlignedB.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)));
            alignedFile = AlignedFile;
            timings["align"] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            paths.Add(LinearPath.Evaluate(modelA, curveEnds, data, pathOptions, Report("aligned linear path")));
            timings["aligned_linear"] = clock.Elapsed.TotalSeconds;
        }

        if (o.Method != PathMethod.Linear)
        {
            clock.Restart();
            int perEpoch = session.Batches.Count, steps = o.Epochs * perEpoch;
            int resumed = resume?.Step ?? 0;
            if (resume is not null) say?.Invoke($"resuming the {o.Method.Name()} curve's training after step {resumed} of {steps}");
            // The bend's gradients are backward passes: behind the numeric guard, like every training.
            guard = session.DecideOneDnn(o.OneDnn, GuardProbe.Training);
            say?.Invoke($"numeric guard: {guard.Reason}");
            CurveState curve;
            using (guard.Scope())
            {
                curve = TrainBend(o, modelA, curveEnds, data, resume, steps, perEpoch, asked,
                    (done, _) => Report("curve training", "steps")(done, steps));
                guard = session.PostCheck(guard, GuardProbe.Training, "the curve's training");
            }
            TensorFile.Write(folder.File(BendFile), curve.Bend.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value)));
            bendFile = BendFile;
            curveRecord = new CurveTrainingRecord(o.Method.Name(), curve.Step, o.Epochs, o.LearningRate, Momentum, o.Source.Seed,
                resumed, curve.Losses.Chunk(perEpoch).Select(c => c.Average()).ToArray());
            timings["curve_training"] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            paths.Add(CurveTraining.Evaluate(modelA, curveEnds, curve, data, pathOptions, Report($"{o.Method.Name()} curve")));
            timings["curve"] = clock.Elapsed.TotalSeconds;
            if (o.PlaneSteps > 0)
            {
                clock.Restart();
                string bPath = alignedFile is null ? o.To : folder.File(alignedFile);
                planes.Add(ConnectPlane.Evaluate(o, bPath, folder.File(BendFile), o.Method, progress, cancel, say));
                timings["plane"] = clock.Elapsed.TotalSeconds;
            }
        }
        timings["total"] = total.Elapsed.TotalSeconds;

        var linear = paths[0];
        var results = new RunResults
        {
            Command = "connect",
            Seed = o.Source.Seed,
            Options = asked,
            Versions = Versions.All(),
            Model = RunRecords.Model(o.Source, ParameterSet.Of(modelA), modelA),
            Data = RunRecords.Data(session, selection),
            BnMode = o.BatchNorm.Name(),
            NumericGuard = guard is null ? null : HessianRecords.Guard(guard),
            Loss = linear.TrainLoss[0],
            Perplexity = RunRecords.Perplexity(o.Source, linear.TrainLoss[0]),
            Accuracy = linear.TrainAccuracy[0],
            TestAccuracy = test.Count > 0 ? linear.TestAccuracy[0] : null,
            Paths = paths.Select(Record).ToArray(),
            Landscapes = planes,
            Connect = new ConnectRecord(Path.GetFullPath(o.To), alignedFile, bendFile, alignment, curveRecord) { Verdict = Connectedness.Of(paths.Select(Record).ToArray()) },
            Timings = timings,
            Processes = SingleProcess.Instance.Describe(),
        };
        folder.WriteResults(results);
        if (o.Method != PathMethod.Linear) BendProgress.Remove(o.OutDir);
        foreach (var b in test) b.Dispose();
        ends.A.Dispose();
        ends.B.Dispose();
        if (!ReferenceEquals(curveEnds, ends)) curveEnds.B.Dispose();
        modelB.Dispose();
        return results;
    }

    /// <summary>The typed record of a path for results.json.</summary>
    public static ModePathRecord Record(PathResult p) => new(p.Method.Name(), p.Aligned, p.BatchNorm.Name(),
        p.T.ToArray(), p.TrainLoss.ToArray(), p.TrainAccuracy.ToArray(), p.TestLoss.ToArray(), p.TestAccuracy.ToArray(), p.TrainBarrier, p.TestBarrier);

    /// <summary>Model B: A's architecture with the weights of {to}; a file of another architecture is refused with the mismatch named.</summary>
    private static nn.Module<Tensor, Tensor> LoadB(ConnectRunOptions o, Dataset data)
    {
        try { return (o.Source with { Weights = o.To }).Build(data); }
        catch (LlaException e) { throw new LlaException($"{{to}} is not a model of {{weights}}' architecture: {e.Template}", e); }
    }

    private static List<Batch> TestBatches(ConnectRunOptions o)
    {
        if (!DataSpec.HasTestSplit(o.Source.Data)) return new List<Batch>();
        using var test = o.Source.LoadData(Split.Test);
        return test.Batches(o.BatchSize, null, false, 0, o.Source.Device)
            .Select(b => new Batch(b.Inputs.to(o.Source.DType).DetachFromDisposeScope(), b.Targets.clone().DetachFromDisposeScope())).ToList();
    }

    /// <summary>
    /// Trains the bend epoch by epoch (one <see cref="CurveTraining.Train"/> call per epoch, which gives the same bend
    /// as one call for all steps: every step's t and batch are functions of the seed and the step), saving where it
    /// stands after each epoch.
    /// </summary>
    private static CurveState TrainBend(ConnectRunOptions o, nn.Module<Tensor, Tensor> workspace, PathEnds ends, PathData data,
        CurveState? resume, int steps, int perEpoch, ConnectSettings asked, Action<int, int> progress)
    {
        var state = resume;
        while (state is null || state.Step < steps)
        {
            int done = state?.Step ?? 0;
            int until = Math.Min(steps, (done / perEpoch + 1) * perEpoch);
            var options = new CurveOptions { Method = o.Method, Steps = until, LearningRate = o.LearningRate, Momentum = Momentum, Seed = o.Source.Seed };
            var next = CurveTraining.Train(workspace, ends, data.Train, data.Loss, options, state, progress);
            if (state is not null) Dispose(state);
            state = next;
            BendProgress.Save(o.OutDir, state, asked);
        }
        return state;
    }

    private static void Dispose(CurveState state)
    {
        state.Bend.Dispose();
        foreach (var v in state.Velocity.Values) v.Dispose();
    }
}
