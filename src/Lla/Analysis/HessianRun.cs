using Lla.Measures;
using Lla.Guard;
using Lla.Runs;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;

namespace Lla.Analysis;

/// <summary>
/// A Hessian run (`lla hessian`, `lla analyze`): load, guard, evaluate, analyse, optionally draw
/// the overview planes' grids, then write the run folder: eigenvectors.bin and results.json, each
/// atomically. Nothing is written unless the whole analysis succeeded. Draws nothing.
/// </summary>
public static class HessianRun
{
    public static RunResults Execute(HessianRunOptions o, Action<AnalysisProgress>? progress = null, IProcessGroup? group = null, Action<string>? say = null)
    {
        group ??= SingleProcess.Instance;
        o.Validate();
        // One run per folder; under MPI rank 0 holds the lock. A run that fails leaves no folder it created.
        using var runLock = RunLock.ForJob(o.OutDir, group, say, claim: new RunClaim(o.Command, o.Settings, Force: o.Force));
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();

        var clock = Stopwatch.StartNew();
        using var session = AnalysisSession.Open(o.Source, o.Selection);
        var parameters = ParameterSet.Of(session.Model, ParameterFilter.FromGlobs(o.Params));
        // Memory is planned before any work: a GPT's activations per micro-batch, the parameters, the bases.
        var plan = PlanMemory(o, session, parameters, o.PlanBudgetBytes);
        int? microBatch = plan?.MicroBatch ?? o.MicroBatch;
        session.Objective.SplitInto(microBatch);
        if (plan is not null)
        {
            // A basis dtype the plan chose is the run's (recorded in options.lanczos_basis_dtype) and said in one line.
            o = o with { Analysis = o.Analysis with { MemoryBudgetBytes = plan.EigenBasisBudgetBytes, LanczosBasisDType = plan.BasisChosen ? plan.BasisDType : o.Analysis.LanczosBasisDType } };
            if (plan.BasisChosen && say is not null && group.IsRoot)
                say($"The Lanczos bases are stored in {LanczosBasis.Name(plan.BasisDType)} (in {LanczosBasis.Name(parameters.DType)} the run would need more than the {Native.MemoryBudget.Format(plan.BudgetBytes)} allowed; docs/language-models.md, \"Micro-batches and memory\")");
        }
        HessianAnalysis.CheckFits(o.Analysis, parameters.Dimension, parameters.DType);
        if (o.SplitCurvature) OutputLosses.Identify(session.Objective, "{split-curvature} (its GGN)");
        if (o.PerLayer) PerLayerAnalysis.CheckFits(o.Analysis, parameters);
        if (o.BlockSpectra) BlockHeterogeneity.CheckFits(o.BlockSpectraOptions, parameters);
        // The diagonal's running mean and squares (float64) and its two result arrays.
        if (o.Diagonal) Native.MemoryBudget.Require(4 * 8.0 * parameters.Dimension, $"the diagonal of {parameters.Dimension:N0} parameters ({{diagonal}})");
        if (group.IsRoot) DiskBudget.Require(o.OutDir, o.Analysis.TopK * 4.0 * parameters.Dimension + (o.Diagonal ? 16.0 * parameters.Dimension : 0), $"{o.Analysis.TopK} eigenvector(s)" + (o.Diagonal ? " and the diagonal" : ""));
        timings["load"] = clock.Elapsed.TotalSeconds;

        // The loss first: a non-finite loss is the user's problem to hear about, not the guard's.
        clock.Restart();
        var atWeights = session.Objective.Evaluate();
        timings["evaluate"] = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var decision = session.DecideOneDnn(o.OneDnn, GuardProbe.Analysis(o.Operator));
        timings["guard"] = clock.Elapsed.TotalSeconds;
        // A long run says so before it starts: one product timed, times the most products the options can make.
        double planned = PlannedProducts(o, parameters);
        if (planned > LongRunProducts && say is not null && group.IsRoot)
        {
            double seconds;
            using (decision.Scope()) seconds = TimeOneProduct(CurvatureOperators.Create(o.Operator, session.Objective, parameters, group));
            if (planned * seconds > 60)
                say($"This run makes up to {planned:N0} curvature products at about {seconds:G2} s each: about {Durations.Estimate(planned * seconds)} (an estimate; progress follows)");
        }


        HessianAnalysisResult result;
        CurvatureSplitResult? split = null;
        PerLayerResult? perLayer = null;
        BlockHeterogeneityResult? blockSpectra = null;
        DiagonalResult? diagonal = null;
        using (decision.Scope())
        {
            var op = CurvatureOperators.Create(o.Operator, session.Objective, parameters, group);
            // With the split on a Hessian run, the run's own analysis is the split's H (trace and density on).
            bool reuse = o.SplitCurvature && o.Operator == CurvatureOperator.Hessian;
            // --per-layer compares the layers' trace sum with the run's own full-trace estimate: the trace is then on.
            var analysis = reuse ? CurvatureSplit.OptionsFor(o.Analysis) : o.PerLayer ? o.Analysis with { Trace = true } : o.Analysis;
            result = HessianAnalysis.Run(op, analysis, progress);
            if (o.SplitCurvature)
            {
                var splitClock = Stopwatch.StartNew();
                split = CurvatureSplit.Run(session.Objective, parameters, o.Analysis, group, progress, reuse ? result : null);
                timings["curvature_split"] = splitClock.Elapsed.TotalSeconds;
            }
            if (o.PerLayer)
            {
                var layerClock = Stopwatch.StartNew();
                perLayer = PerLayerAnalysis.Run(o.Operator, session.Objective, session.Model, parameters, o.Analysis, result.Trace, group, progress);
                timings["per_layer"] = layerClock.Elapsed.TotalSeconds;
            }
            if (o.BlockSpectra)
            {
                var blockClock = Stopwatch.StartNew();
                blockSpectra = BlockHeterogeneity.Run(o.Operator, session.Objective, session.Model, parameters, o.BlockSpectraOptions, group, progress);
                timings["block_spectra"] = blockClock.Elapsed.TotalSeconds;
            }
            if (o.Diagonal)
            {
                var diagonalClock = Stopwatch.StartNew();
                // Seeds: eigen = seed, trace + 1, SLQ + 2, the diagonal + 3.
                var observed = new HessianAnalysis.ProgressOperator(CurvatureOperators.Create(o.Operator, session.Objective, parameters, group), progress);
                observed.Begin("diagonal", o.DiagonalHvps);
                diagonal = HutchinsonDiagonal.Estimate(observed, new DiagonalOptions { Probes = o.DiagonalHvps, Seed = o.Analysis.Seed + 3 });
                timings["diagonal"] = diagonalClock.Elapsed.TotalSeconds;
            }
            clock.Restart();
            decision = session.PostCheck(decision, GuardProbe.Analysis(o.Operator), "the analysis");
            timings["guard"] += clock.Elapsed.TotalSeconds;
        }
        foreach (var (k, v) in result.TimingsSeconds) timings[k] = v;

        double? testAccuracy = null;
        if (o.Selection.Split == Split.Train && DataSpec.HasTestSplit(o.Source.Data))
        {
            clock.Restart();
            testAccuracy = session.TestAccuracy();
            timings["test_evaluate"] = clock.Elapsed.TotalSeconds;
        }

        IReadOnlyList<MeasureRecord>? measures = null;
        if (o.Measures.Count > 0)
        {
            clock.Restart();
            var asked = new Measures.MeasureRunOptions
            {
                Source = o.Source, Selection = o.Selection, OutDir = o.OutDir, Families = o.Measures, Init = o.Init, Validation = o.Validation, OneDnn = o.OneDnn,
            };
            var data = RunRecords.Data(session, o.Selection);
            measures = Measures.MeasureRun.Compute(session, ParameterSet.Of(session.Model), asked, new Dictionary<string, double>(), progress, group).Measures
                .Select(m => MeasureRecords.From(m, data, RunRecords.BatchNorm(o.Selection), predictedLabels: false)).ToArray();
            timings["measures"] = clock.Elapsed.TotalSeconds;
        }

        IReadOnlyList<LandscapeRecord> planes = Array.Empty<LandscapeRecord>();
        if (o.LandscapeSteps > 0)
        {
            clock.Restart();
            planes = OverviewPlanes.Evaluate(session, parameters, result.Eigen, o.LandscapeSteps, progress, group);
            timings["landscapes"] = clock.Elapsed.TotalSeconds;
        }
        if (!group.IsRoot) return new RunResults { Command = o.Command }; // another MPI rank: rank 0 writes the run
        var folder = new RunFolder(o.OutDir);
        if (result.Eigen is not null) EigenvectorFile.Write(folder.File(EigenvectorFile.FileName), result.Eigen, parameters.Layout);
        if (diagonal is not null) DiagonalFile.Write(folder.File(DiagonalFile.FileName), diagonal, parameters.Layout);
        timings["total"] = total.Elapsed.TotalSeconds;

        var results = new RunResults
        {
            Command = o.Command,
            Profile = o.Profile,
            Seed = o.Source.Seed,
            Options = o.Settings with { MicroBatch = microBatch },
            Versions = Versions.All(),
            Model = RunRecords.Model(o.Source, parameters, session.Model),
            Data = RunRecords.Data(session, o.Selection),
            BnMode = RunRecords.BatchNorm(o.Selection),
            NumericGuard = HessianRecords.Guard(decision),
            Loss = atWeights.Loss,
            Perplexity = RunRecords.Perplexity(o.Source, atWeights.Loss),
            Accuracy = atWeights.Accuracy,
            TestAccuracy = testAccuracy ?? double.NaN,
            Hessian = HessianRecords.From(result, parameters.Dimension) with { Operator = o.Operator.Name() },
            Seeds = result.Seeds,
            CurvatureSplit = split is null ? null : CurvatureSplitRecord.From(split, parameters.Dimension),
            PerLayer = perLayer is null ? null : PerLayerRecord.From(perLayer, o.Operator.Name()),
            BlockSpectra = blockSpectra is null ? null : BlockSpectraRecord.From(blockSpectra, o.Operator.Name()),
            Diagonal = diagonal is null ? null : DiagonalRecord.From(diagonal, DiagonalSummary.PerLayer(diagonal, parameters.Layout), o.Operator.Name()),
            Landscapes = planes,
            Measures = measures,
            Timings = timings,
            Processes = group.Describe(),
        };
        folder.WriteResults(results);
        return results;
    }

    /// <summary>
    /// A GPT's memory plan (<see cref="HessianMemoryPlan.Make"/>) within <see cref="Native.MemoryBudget.RunLimitBytes"/>: the
    /// micro-batch given, or the largest that fits, and the bases in a smaller dtype when the analysis dtype's would not fit
    /// and no `--lanczos-basis-dtype` was given; refused in one line when even that does not fit. Null for other models,
    /// whose activations are not estimated (their bases keep half of this machine's memory each).
    /// </summary>
    public static HessianMemoryPlan? PlanMemory(HessianRunOptions o, AnalysisSession session, ParameterSet parameters, double? budgetBytes = null)
    {
        if (session.Model is not Models.Gpt.GptModel gpt) return null;
        double budget = budgetBytes ?? Native.MemoryBudget.RunLimitBytes;
        int batch = (int)session.Batches.Max(b => b.Count);
        long positions = session.Batches.Max(b => b.Inputs.shape[1]);
        var plan = HessianMemoryPlan.Make(gpt.Config, parameters.Dimension, parameters.DType, o.Analysis, o.MicroBatch, batch, positions, budget);
        if (!plan.Fits)
            throw new LlaException($"the run would need about {Native.MemoryBudget.Format(plan.LeastPeakBytes)} ({plan.Describe()}), more than the {Native.MemoryBudget.Format(budget)} ({(budgetBytes is null ? Native.MemoryBudget.RunLimitWords : "the budget given")}) allowed: lower {{micro-batch}}, {{batch-size}}, {{context}}, {{lanczos-steps}} or {{eigen-max-steps}}, or store the bases in a smaller {{lanczos-basis-dtype}}");
        return plan;
    }

    /// <summary>Above this many planned products a run times one and says how long it should take.</summary>
    public const double LongRunProducts = 500;

    /// <summary>The most operator products the run can make: the analysis, the split's G and R (and H), the layers, the block spectra and the diagonal.</summary>
    public static double PlannedProducts(HessianRunOptions o, ParameterSet parameters)
    {
        var analysis = o.SplitCurvature ? CurvatureSplit.OptionsFor(o.Analysis) : o.PerLayer ? o.Analysis with { Trace = true } : o.Analysis;
        double total = HessianAnalysis.PlannedProducts(analysis, parameters.Dimension, parameters.DType);
        if (o.SplitCurvature) total += (o.Operator == CurvatureOperator.Hessian ? 2 : 3) * HessianAnalysis.PlannedProducts(CurvatureSplit.OptionsFor(o.Analysis), parameters.Dimension, parameters.DType);
        if (o.PerLayer) total += LayerGroups.Of(parameters).Count * HessianAnalysis.PlannedProducts(o.Analysis, parameters.Dimension, parameters.DType);
        if (o.BlockSpectra) total += BlockHeterogeneity.PlannedProducts(o.BlockSpectraOptions, parameters);
        if (o.Diagonal) total += o.DiagonalHvps;
        return total;
    }

    private static double TimeOneProduct(ILinearOperator op)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var v = TorchSharp.torch.randn(op.Dimension, dtype: op.DType).to(op.Device);
        var clock = Stopwatch.StartNew();
        op.Apply(v);
        return clock.Elapsed.TotalSeconds;
    }
}
