using System.Diagnostics;
using Lla.Curvature;
using Lla.Native;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Runs;
using Lla.Vectors;

namespace Lla.Landscapes;

/// <summary>
/// A landscape run (`lla landscape`): for each planned plane, build the raw directions, normalize,
/// freeze, save them, and evaluate the grid with a point log, so that an interrupted run (killed,
/// or cancelled through <paramref name="cancel"/>) resumes where it stopped. Writes plan.json once the inputs are checked
/// (what was asked), and results.json last; draws nothing.
/// </summary>
public static class LandscapeRun
{
    /// <summary>The numeric guard of the run that computed Hessian axes (kept for a resumed run, which reuses the axes).</summary>
    public const string GuardFile = "numeric-guard.json";

    public static RunResults Execute(LandscapeRunOptions o, Action<AnalysisProgress>? progress = null, IProcessGroup? group = null,
        CancellationToken cancel = default, Action<string>? say = null)
    {
        group ??= SingleProcess.Instance;
        o.Validate();
        var asked = o.Settings;
        // One run per folder; under MPI rank 0 holds the lock (a run in progress is named as such, before its plan is read).
        using var runLock = RunLock.ForJob(o.OutDir, group, say, claim: new RunClaim("landscape", asked, o.Resume, o.Force));
        // Rank 0 alone owns the folder: a new run needs one without a plan, a resumed one the same plan (checked writing nothing).
        // (Under --force the claim has replaced the folder's earlier run: there is no plan to check.)
        if (group.IsRoot && !o.Force) LandscapePlan.Check(o.OutDir, asked, o.Resume);
        // What the folder held before this run: a run that fails before its first point removes what it added, and nothing else.
        var before = group.IsRoot ? Directory.EnumerateFileSystemEntries(o.OutDir).ToHashSet() : null;
        bool anyPoint = false;
        try
        {
            return Run(o, progress, group, cancel, asked, () => anyPoint = true);
        }
        catch when (group.IsRoot && !anyPoint)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(o.OutDir).Where(e => !before!.Contains(e) && !IsLock(e)).ToList())
            {
                try { if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            throw;
        }
    }

    private static bool IsLock(string path) => Path.GetFileName(path) is RunLock.FileName or RunLock.HolderFileName;

    private static RunResults Run(LandscapeRunOptions o, Action<AnalysisProgress>? progress, IProcessGroup group, CancellationToken cancel,
        LandscapeSettings asked, Action pointFinished)
    {
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        var folder = group.IsRoot ? new RunFolder(o.OutDir) : null;

        var clock = Stopwatch.StartNew();
        using var session = AnalysisSession.Open(o.Source, o.Selection);
        var parameters = ParameterSet.Of(session.Model);
        using var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
        var frozen = Freezing.FrozenNames(parameters.Layout, o.Freeze, o.FreezeNames);
        var settings = new LandscapeRecords.Settings(o.IgnoreBiasAndBatchNorm, frozen, o.LossCap);
        if (folder is not null)
            DiskBudget.Require(o.OutDir, o.Planes.Count * 2.0 * parameters.Dimension * (parameters.DType == TorchSharp.torch.ScalarType.Float64 ? 8 : 4),
                $"the directions of {o.Planes.Count} plane(s)");
        using var sources = new DirectionSources(o, session, parameters, theta, folder);
        if (folder is not null)
        {
            // The inputs read from files (checkpoints, a trajectory, a direction file, a Hessian run's eigenvectors) are
            // checked against the model now, before the plan is written and any point is computed.
            for (int k = 0; k < o.Planes.Count; k++)
            {
                var spec = o.Planes[k];
                bool onDisk = o.Resume && File.Exists(Path.Combine(o.OutDir, $"landscape-{k}.directions.bin")) && File.Exists(Path.Combine(o.OutDir, $"landscape-{k}.axes.json"));
                if (!onDisk && (spec.Axes != AxesKind.Hessian || o.HessianRun is not null)) sources.Raw(spec);
            }
            if (o.Planes.Any(p => p.Axes == AxesKind.Pca)) sources.Trajectory();
            if (!o.Resume) LandscapePlan.Write(folder, asked);
        }
        timings["load"] = clock.Elapsed.TotalSeconds;
        var atWeights = session.Objective.Evaluate();

        var planes = new List<LandscapeRecord>();
        var pointCounts = new List<int>();
        for (int k = 0; k < o.Planes.Count; k++)
        {
            var spec = o.Planes[k];
            var planeClock = Stopwatch.StartNew();
            string directionsPath = Path.Combine(o.OutDir, $"landscape-{k}.directions.bin");
            string factsPath = Path.Combine(o.OutDir, $"landscape-{k}.axes.json");
            DirectionPair? pair = null;
            IReadOnlyDictionary<string, double> facts = new Dictionary<string, double>();
            if (folder is not null && o.Resume && File.Exists(directionsPath) && File.Exists(factsPath))
            {
                // The directions of the interrupted run, exactly (Hessian axes are not recomputed).
                pair = Directions.FromFile(directionsPath, parameters.Layout, parameters.DType).On(parameters.Device);
                facts = ResultsSerializer.Read<Dictionary<string, double>>(factsPath);
            }
            else if (folder is not null)
            {
                var raw = sources.Raw(spec);
                facts = raw.Facts;
                pair = PlaneBuilder.Prepare(raw, spec, theta, frozen, o.IgnoreBiasAndBatchNorm);
                Directions.Save(directionsPath, pair.D1, pair.D2);
                folder.Write(Path.GetFileName(factsPath), facts);
                // The guard behind the Hessian axes' products: a resumed run reuses the axes, so it keeps their guard.
                if (sources.Guard is not null) folder.Write(GuardFile, HessianRecords.Guard(sources.Guard));
            }
            pair = PlaneBuilder.Shared(pair, parameters, group);
            // One direction (a single other checkpoint, or a file with d1 only) gives a 1-D line.
            var grid = Grid.Create(o.Steps, o.Distance, spec.Mode, twoDimensional: pair.D2 is not null || spec.Mode == UpdateRule.AdamEq);
            pointCounts.Add(grid.PointCount);
            Surface surface;
            using (pair)
            using (var log = folder is null ? null : new PointLog(folder.File($"landscape-{k}.points")))
            using (TorchContext.OneDnnScope(true)) // forward passes only: the oneDNN fault concerns gradients
            {
                string stage = $"plane {k + 1}/{o.Planes.Count}: {spec.Label}";
                int kept = log?.Finished.Count ?? 0;
                surface = SurfaceEvaluator.Evaluate(session.Objective, parameters, pair.D1, spec.Mode == UpdateRule.AdamEq ? null : pair.D2,
                    grid, o.LossCap, log, (done, all) =>
                    {
                        if (done > kept) pointFinished();
                        progress?.Invoke(new AnalysisProgress(stage, done, all, "points"));
                        cancel.ThrowIfCancellationRequested();
                    }, group);
            }
            timings[$"plane_{k}"] = planeClock.Elapsed.TotalSeconds;
            if (folder is null) continue;
            PathRecord? path = null;
            if (spec.Axes == AxesKind.Pca)
            {
                using var plane = Directions.FromFile(directionsPath, parameters.Layout, parameters.DType);
                var coordinates = TrajectoryPca.Project(theta, sources.Trajectory(), plane.D1, plane.D2!);
                path = new PathRecord(o.Trajectory.Select(Path.GetFullPath).ToArray(), coordinates.Select(c => c[0]).ToArray(), coordinates.Select(c => c[1]).ToArray());
            }
            planes.Add(LandscapeRecords.From(spec, grid, surface, facts, settings, Path.GetFileName(directionsPath), planeClock.Elapsed.TotalSeconds, path));
        }
        timings["total"] = total.Elapsed.TotalSeconds;

        var results = new RunResults
        {
            Command = "landscape",
            Seed = o.Source.Seed,
            Options = asked,
            Versions = Versions.All(),
            Model = RunRecords.Model(o.Source, parameters, session.Model),
            Data = RunRecords.Data(session, o.Selection),
            BnMode = RunRecords.BatchNorm(o.Selection),
            NumericGuard = sources.Guard is not null ? HessianRecords.Guard(sources.Guard)
                : File.Exists(Path.Combine(o.OutDir, GuardFile)) ? ResultsSerializer.Read<GuardRecord>(Path.Combine(o.OutDir, GuardFile)) : null,
            Loss = atWeights.Loss,
            Perplexity = RunRecords.Perplexity(o.Source, atWeights.Loss),
            Accuracy = atWeights.Accuracy,
            Landscapes = planes,
            Timings = timings,
            Processes = group.Describe(),
        };
        folder?.WriteResults(results);
        return results;
    }
}
