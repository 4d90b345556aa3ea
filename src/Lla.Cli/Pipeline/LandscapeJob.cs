using System.Diagnostics;
using System.Text.Json.Nodes;
using Lla.Cli.Display;
using Lla.Curvature;
using Lla.Data;
using Lla.Landscapes;
using Lla.Native;
using Lla.Objectives;
using Lla.Reports;
using Lla.Runs;
using Lla.Vectors;
using static Lla.Runs.JsonValues;
using static TorchSharp.torch;

namespace Lla.Cli.Pipeline;

internal sealed record LandscapeJobOptions(
    ModelSource Source,
    DataSelection Selection,
    int Threads,
    OneDnnSetting OneDnn,
    IReadOnlyList<PlaneSpec> Planes,
    int Steps,
    double Distance,
    bool IgnoreBiasAndBatchNorm,
    int? Freeze,
    string? FreezeNames,
    double? LossCap,
    int EigenFirst,
    int EigenSecond,
    string? HessianRun,
    IReadOnlyList<string> Checkpoints,
    IReadOnlyList<string> Trajectory,
    string? DirectionFile,
    string? OptimizerState,
    string OutDir,
    bool Resume,
    JsonObject OptionsRecord);

/// <summary>
/// `lla landscape`: for each planned plane, build the raw directions, normalize, freeze, save them,
/// and evaluate the grid with a point log, so an interrupted run resumes where it stopped. Writes
/// plan.json first (what was asked), figures as planes finish, and results.json last.
/// </summary>
internal static class LandscapeJob
{
    public static int Run(LandscapeJobOptions o)
    {
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        // Under MPI rank 0 alone owns the folder: it checks and writes the plan, the directions and the point log.
        var folder = Cluster.IsRoot ? PrepareFolder(o) : null;
        RuntimeSetup.SetThreads(o.Threads);
        foreach (var plane in o.Planes)
            if (plane.Mode == UpdateRule.AdamEq && plane.Axes != "adam")
                throw new LlaException($"--mode adameq needs --axes adam: the Adam update equation moves along m/(√v + ε), which only Adam moments define (got {plane.Axes} axes)");
        foreach (var plane in o.Planes) Grid.Create(o.Steps, o.Distance, plane.Mode, twoDimensional: true); // validates steps and distance up front
        var pointCounts = new List<int>();

        var clock = Stopwatch.StartNew();
        using var session = AnalysisSession.Open(o.Source, o.Selection);
        var parameters = ParameterSet.Of(session.Model);
        using var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
        var frozen = Freezing.FrozenNames(parameters.Layout, o.Freeze, o.FreezeNames);
        var settings = new LandscapeOutput.Settings(o.IgnoreBiasAndBatchNorm, frozen, o.LossCap);
        timings["load"] = clock.Elapsed.TotalSeconds;
        var atWeights = session.Objective.Evaluate();

        OneDnnDecision? decision = null;
        List<ParameterVector>? trajectory = null;
        var raw = new Dictionary<(string Axes, long Seed), DirectionPair>();
        var results = new JsonArray();
        var figures = new JsonArray();
        var panel = new List<(string, bool, Surface)>();
        try
        {
            for (int k = 0; k < o.Planes.Count; k++)
            {
                var spec = o.Planes[k];
                var planeClock = Stopwatch.StartNew();
                string directionsPath = Path.Combine(o.OutDir, $"landscape-{k}.directions.bin");
                DirectionPair pair;
                IReadOnlyDictionary<string, double> facts = new Dictionary<string, double>();
                string factsPath = Path.Combine(o.OutDir, $"landscape-{k}.axes.json");
                if (folder is null)
                    pair = null!; // computed or read by rank 0 and broadcast below
                else if (o.Resume && File.Exists(directionsPath) && File.Exists(factsPath))
                {
                    // The directions of the interrupted run, exactly (Hessian axes are not recomputed).
                    pair = Directions.FromFile(directionsPath, parameters.Layout, parameters.DType).On(parameters.Device);
                    facts = (JsonNode.Parse(File.ReadAllText(factsPath)) as JsonObject ?? new JsonObject())
                        .ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<double>() ?? double.NaN);
                }
                else
                {
                    var source = Raw(spec);
                    facts = source.Facts;
                    pair = Prepare(source, spec, theta, frozen, o.IgnoreBiasAndBatchNorm);
                    Directions.Save(directionsPath, pair.D1, pair.D2);
                    folder.WriteJson(Path.GetFileName(factsPath), JsonValues.Object(facts));
                }
                pair = Shared(pair, parameters);
                // One direction (a single other checkpoint, or a file with d1 only) gives a 1-D line.
                var grid = Grid.Create(o.Steps, o.Distance, spec.Mode, twoDimensional: pair.D2 is not null || spec.Mode == UpdateRule.AdamEq);
                pointCounts.Add(grid.PointCount);
                Surface surface;
                using (pair)
                using (var log = folder is null ? null : new PointLog(folder.File($"landscape-{k}.points")))
                using (var progress = ProgressDisplay.Start())
                {
                    TorchContext.OneDnn = true; // forward passes only: the oneDNN fault concerns gradients
                    string stage = $"plane {k + 1}/{o.Planes.Count}: {spec.Label}";
                    surface = SurfaceEvaluator.Evaluate(session.Objective, parameters, pair.D1, spec.Mode == UpdateRule.AdamEq ? null : pair.D2,
                        grid, o.LossCap, log,
                        (done, all) => progress.Report(new AnalysisProgress(stage, done, all, "points")), Cluster.Group);
                }
                timings[$"plane_{k}"] = planeClock.Elapsed.TotalSeconds;
                if (folder is null) continue;
                double[][]? path = null;
                if (spec.Axes == "pca")
                {
                    using var plane = Directions.FromFile(directionsPath, parameters.Layout, parameters.DType);
                    path = TrajectoryPca.Project(theta, Trajectory(), plane.D1, plane.D2!);
                }
                LandscapeOutput.Plot(folder, k, spec, surface, figures, path);
                if (surface.Betas.Length > 1) panel.Add((spec.Label, spec.Mode == UpdateRule.AdamEq, surface));
                var entry = LandscapeOutput.Describe(spec, grid, surface, facts, settings, Path.GetFileName(directionsPath), planeClock.Elapsed.TotalSeconds);
                if (path is not null)
                    entry["path"] = new JsonObject
                    {
                        ["checkpoints"] = new JsonArray(o.Trajectory.Select(t => (JsonNode)JsonValue.Create(Path.GetFullPath(t))).ToArray()),
                        ["alphas"] = Numbers(path.Select(c => c[0])),
                        ["betas"] = Numbers(path.Select(c => c[1])),
                    };
                results.Add(entry);
            }
        }
        finally
        {
            foreach (var p in raw.Values) p.Dispose();
            foreach (var t in trajectory ?? new List<ParameterVector>()) t.Dispose();
        }
        if (folder is null) return 0; // another MPI rank: rank 0 writes the run
        if (panel.Count > 1) figures.Add(RunRenderer.DrawPanel(folder.Path, panel));
        timings["total"] = total.Elapsed.TotalSeconds;

        var record = new JsonObject
        {
            ["command"] = "landscape",
            ["seed"] = o.Source.Seed,
            ["options"] = o.OptionsRecord,
            ["versions"] = RunRecord.Versions(),
            ["model"] = RunRecord.Model(o.Source, parameters),
            ["data"] = RunRecord.Data(session, o.Selection),
            ["bn_mode"] = o.Selection.BatchNorm.ToString().ToLowerInvariant(),
            ["numeric_guard"] = decision is null ? null : HessianResultsJson.Guard(decision),
            ["loss"] = Number(atWeights.Loss),
            ["accuracy"] = Number(atWeights.Accuracy),
            ["landscapes"] = results,
            ["figures"] = figures,
            ["timings_s"] = JsonValues.Object(timings),
            ["processes"] = Cluster.Describe(),
        };
        folder.WriteJson("results.json", record);
        RunRenderer.WritePageAndData(folder.Path, record);
        OutputMode.Say($"{o.Planes.Count} landscape{(o.Planes.Count == 1 ? "" : "s")} of {string.Join(", ", pointCounts.Distinct())} points each; loss at the centre {atWeights.Loss:G6}");
        OutputMode.Say($"Results: {folder.ResultsPath}");
        OutputMode.Finish(record);
        return 0;

        DirectionPair Raw(PlaneSpec spec)
        {
            long seed = spec.Axes is "random" or "random-uniform" ? spec.Seed : 0;
            if (raw.TryGetValue((spec.Axes, seed), out var known)) return known;
            DirectionPair made = spec.Axes switch
            {
                "random" => Directions.Random(parameters.Layout, parameters.DType, spec.Seed),
                "random-uniform" => Directions.Random(parameters.Layout, parameters.DType, spec.Seed, uniform: true),
                "adam" => Directions.Adam(o.OptimizerState ?? o.Source.Weights
                    ?? throw new LlaException("--axes adam needs a checkpoint written by `lla train --optimizer adam` (--weights or --optimizer-state)"),
                    parameters.Layout, parameters.DType),
                "hessian" => HessianAxes(),
                "checkpoints" => Directions.Towards(theta, o.Checkpoints.Select(LoadOther).ToList()),
                "pca" => TrajectoryPca.Fit(theta, Trajectory()).Directions,
                "file" => Directions.FromFile(o.DirectionFile ?? throw new LlaException("--axes file needs --directions FILE"), parameters.Layout, parameters.DType),
                _ => throw new LlaException($"unknown axes '{spec.Axes}'"),
            };
            made = made.On(parameters.Device);
            raw[(spec.Axes, seed)] = made;
            return made;
        }

        DirectionPair HessianAxes()
        {
            if (o.HessianRun is not null)
                return Directions.Hessian(Path.Combine(o.HessianRun, EigenvectorFile.FileName), parameters.Layout, parameters.DType, o.EigenFirst, o.EigenSecond);
            // Compute the eigenvectors here, on the same data, behind the numeric guard.
            decision = session.DecideOneDnn(o.OneDnn);
            var op = new HessianOperator(session.Objective, parameters);
            var eigen = Lanczos.TopEigenpairs(op, new LanczosOptions { K = Math.Max(o.EigenFirst, o.EigenSecond) + 1, Seed = o.Source.Seed });
            decision = session.PostCheck(decision);
            string file = folder.File(EigenvectorFile.FileName);
            EigenvectorFile.Write(file, eigen, parameters.Layout);
            var pair = Directions.Hessian(file, parameters.Layout, parameters.DType, o.EigenFirst, o.EigenSecond);
            var facts = new Dictionary<string, double>(pair.Facts)
            {
                ["residual_1"] = eigen.Pairs[o.EigenFirst].Residual,
                ["residual_2"] = eigen.Pairs[o.EigenSecond].Residual,
                ["hvps"] = eigen.OperatorApplications,
            };
            return pair with { Facts = facts };
        }

        List<ParameterVector> Trajectory() => trajectory ??= o.Trajectory.Select(LoadOther).ToList();

        ParameterVector LoadOther(string path)
        {
            var other = o.Source with { Weights = path };
            var model = other.Build(session.Data);
            return new ParameterVector(ParameterSet.Of(model).Flatten(), parameters.Layout);
        }
    }

    /// <summary>Normalizes (and freezes) raw directions for one plane; for adameq, d1 becomes m/(√|v| + ε).</summary>
    internal static DirectionPair Prepare(DirectionPair raw, PlaneSpec spec, ParameterVector theta, IReadOnlyList<string> frozen, bool ignoreBiasBn)
    {
        var d1 = Normalization.Apply(raw.D1, theta, spec.Norm, spec.Order, ignoreBiasBn);
        var d2 = raw.D2 is null ? null : Normalization.Apply(raw.D2, theta, spec.Norm, spec.Order, ignoreBiasBn);
        if (spec.Mode == UpdateRule.AdamEq)
        {
            var c = AdamUpdate.Direction(d1, d2!);
            d1.Dispose();
            d2!.Dispose();
            (d1, d2) = (c, null);
        }
        Freezing.Apply(d1, frozen);
        if (d2 is not null) Freezing.Apply(d2, frozen);
        return new DirectionPair(d1, d2, raw.Axes, raw.Facts);
    }

    /// <summary>
    /// The same directions on every MPI rank: rank 0's, broadcast (a no-op for one process). Every
    /// rank then evaluates its points along exactly the vectors rank 0 saved.
    /// </summary>
    internal static DirectionPair Shared(DirectionPair? onRoot, ParameterSet parameters)
    {
        if (!Cluster.Distributed) return onRoot!;
        var (layout, dtype, device) = (parameters.Layout, parameters.DType, parameters.Device);
        var hasSecond = Cluster.Group.Broadcast(new double[] { Cluster.IsRoot && onRoot!.D2 is not null ? 1 : 0 })[0] > 0;
        var d1 = new ParameterVector(Cluster.Broadcast(onRoot?.D1.Flat, dtype, device), layout);
        ParameterVector? d2 = hasSecond ? new ParameterVector(Cluster.Broadcast(onRoot?.D2?.Flat, dtype, device), layout) : null;
        var facts = onRoot?.Facts ?? new Dictionary<string, double>();
        string axes = onRoot?.Axes ?? "";
        onRoot?.Dispose();
        return new DirectionPair(d1, d2, axes, facts);
    }

    /// <summary>Creates the run folder and its plan; on --resume, checks that the plan matches the options given now.</summary>
    private static RunFolder PrepareFolder(LandscapeJobOptions o)
    {
        if (File.Exists(o.OutDir)) throw new LlaException($"--out {o.OutDir} is a file, not a folder");
        string planPath = Path.Combine(o.OutDir, "plan.json");
        var plan = new JsonObject { ["command"] = "landscape", ["options"] = o.OptionsRecord.DeepClone() };
        if (o.Resume)
        {
            if (!File.Exists(planPath)) throw new LlaException($"--resume: {o.OutDir} holds no interrupted landscape run (no plan.json)");
            var old = JsonNode.Parse(File.ReadAllText(planPath))?["options"] as JsonObject
                ?? throw new LlaException($"--resume: {planPath} is damaged");
            foreach (var (key, value) in o.OptionsRecord)
            {
                if (key is "resume" or "threads") continue;
                string now = value?.ToJsonString() ?? "null", before = old[key]?.ToJsonString() ?? "null";
                if (now != before) throw new LlaException($"--resume: --{key} is {now} now but was {before} in the interrupted run; repeat its command");
            }
            return new RunFolder(o.OutDir);
        }
        if (File.Exists(planPath)) throw new LlaException($"{o.OutDir} already holds a landscape run: add --resume to finish it, or choose another --out");
        var folder = new RunFolder(o.OutDir);
        folder.WriteJson("plan.json", plan);
        return folder;
    }
}
