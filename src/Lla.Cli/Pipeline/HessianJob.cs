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

/// <summary>Everything `lla hessian` and `lla analyze` were asked to do, already validated by type.</summary>
internal sealed record HessianJobOptions(
    string Command,
    ModelSource Source,
    DataSelection Selection,
    int Threads,
    OneDnnSetting OneDnn,
    HessianAnalysisOptions Analysis,
    string OutDir,
    string? Params,
    int LandscapeSteps,
    string? Profile,
    JsonObject OptionsRecord);

/// <summary>
/// The Hessian pipeline shared by `hessian` and `analyze`: load, guard, evaluate, analyse, then
/// write the run folder (figures and eigenvectors first, results.json last, each atomically) and
/// print a summary. Nothing is written unless the whole analysis succeeded.
/// </summary>
internal static class HessianJob
{
    public static int Run(HessianJobOptions o)
    {
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>();
        o.Analysis.Validate();
        if (File.Exists(o.OutDir)) throw new LlaException($"--out {o.OutDir} is a file, not a folder");
        RuntimeSetup.SetThreads(o.Threads);

        var clock = Stopwatch.StartNew();
        using var session = AnalysisSession.Open(o.Source, o.Selection);
        var (model, objective, batches) = (session.Model, session.Objective, session.Batches);
        timings["load"] = clock.Elapsed.TotalSeconds;

        // The loss first: a non-finite loss is the user's problem to hear about, not the guard's.
        clock.Restart();
        var atWeights = objective.Evaluate();
        timings["evaluate"] = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var decision = session.DecideOneDnn(o.OneDnn);
        timings["guard"] = clock.Elapsed.TotalSeconds;

        var parameters = ParameterSet.Of(model, ParameterFilter.FromGlobs(o.Params));
        var op = new HessianOperator(objective, parameters, Cluster.Group);
        HessianAnalysisResult result;
        using (var progress = ProgressDisplay.Start())
            result = HessianAnalysis.Run(op, o.Analysis, progress.Report);
        foreach (var (k, v) in result.TimingsSeconds) timings[k] = v;

        clock.Restart();
        decision = session.PostCheck(decision);
        timings["guard"] += clock.Elapsed.TotalSeconds;

        double? testAccuracy = null;
        if (o.Selection.Split == Split.Train && DataSpec.HasTestSplit(o.Source.Data))
        {
            clock.Restart();
            testAccuracy = session.TestAccuracy();
            timings["test_evaluate"] = clock.Elapsed.TotalSeconds;
        }

        var folder = Cluster.IsRoot ? new RunFolder(o.OutDir) : null;
        var figures = new JsonArray();
        var landscapes = new JsonArray();
        if (o.LandscapeSteps > 0)
        {
            clock.Restart();
            DrawPlanes(o, session, parameters, result.Eigen, folder, figures, landscapes);
            timings["landscapes"] = clock.Elapsed.TotalSeconds;
        }
        if (folder is null) return 0; // another MPI rank: rank 0 writes the run
        if (result.Eigen is not null) EigenvectorFile.Write(folder.File(EigenvectorFile.FileName), result.Eigen, parameters.Layout);
        if (result.Esd is not null) figures.Add(RunRenderer.DrawEsd(folder.Path, result.Esd, result.Criteria));
        timings["total"] = total.Elapsed.TotalSeconds;

        var results = new JsonObject
        {
            ["command"] = o.Command,
            ["profile"] = o.Profile,
            ["seed"] = o.Source.Seed,
            ["options"] = o.OptionsRecord,
            ["versions"] = RunRecord.Versions(),
            ["model"] = RunRecord.Model(o.Source, parameters),
            ["data"] = RunRecord.Data(session, o.Selection),
            ["bn_mode"] = o.Selection.BatchNorm.ToString().ToLowerInvariant(),
            ["numeric_guard"] = HessianResultsJson.Guard(decision),
            ["loss"] = Number(atWeights.Loss),
            ["accuracy"] = Number(atWeights.Accuracy),
            ["test_accuracy"] = Number(testAccuracy),
            ["hessian"] = HessianResultsJson.Build(result, parameters.Dimension),
            ["seeds"] = new JsonObject(result.Seeds.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))),
            ["landscapes"] = landscapes,
            ["figures"] = figures,
            ["timings_s"] = JsonValues.Object(timings),
            ["processes"] = Cluster.Describe(),
        };
        folder.WriteJson("results.json", results);
        RunRenderer.WritePageAndData(folder.Path, results);
        if (OutputMode.Chatty) Summary.Print(o, result, atWeights, testAccuracy, decision, folder, total.Elapsed.TotalSeconds, parameters.Dimension);
        OutputMode.Finish(results);
        return 0;
    }

    /// <summary>
    /// `analyze`'s pictures: a random plane, a plane along the top two Hessian eigenvectors and,
    /// when the weights file holds Adam moments, an Adam-axes plane; all filter-L2 normalized so they
    /// are drawn to the same scale, on the analysed batches.
    /// </summary>
    private static void DrawPlanes(HessianJobOptions o, AnalysisSession session, ParameterSet parameters, EigenResult? eigen,
        RunFolder? folder, JsonArray figures, JsonArray landscapes)
    {
        TorchContext.OneDnn = true; // forward passes only
        using var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
        var grid = Grid.Create(o.LandscapeSteps, 1.0, UpdateRule.Add, twoDimensional: true);
        var settings = new LandscapeOutput.Settings(false, Array.Empty<string>(), null);
        var planes = new List<(PlaneSpec Spec, DirectionPair Raw)>
        {
            (new PlaneSpec("random", NormKind.Filter, 2, UpdateRule.Add, o.Source.Seed), Directions.Random(parameters.Layout, parameters.DType, o.Source.Seed).On(parameters.Device)),
        };
        if (eigen is { Pairs.Count: >= 2 })
        {
            ParameterVector Vector(int k) => new(torch.tensor(eigen.Pairs[k].Vector).to(parameters.DType).to(parameters.Device), parameters.Layout);
            planes.Add((new PlaneSpec("hessian", NormKind.Filter, 2, UpdateRule.Add, o.Source.Seed),
                new DirectionPair(Vector(0), Vector(1), "hessian", new Dictionary<string, double>
                {
                    ["eigenvalue_1"] = eigen.Pairs[0].Value, ["eigenvalue_2"] = eigen.Pairs[1].Value,
                    ["residual_1"] = eigen.Pairs[0].Residual, ["residual_2"] = eigen.Pairs[1].Residual,
                })));
        }
        // Adam axes too when the weights carry the Adam state that `lla train` saves.
        if (o.Source.Weights is string weights)
        {
            try { planes.Add((new PlaneSpec("adam", NormKind.Filter, 2, UpdateRule.Add, o.Source.Seed), Directions.Adam(weights, parameters.Layout, parameters.DType).On(parameters.Device))); }
            catch (LlaException) { /* no Adam state in this file: two planes */ }
        }
        for (int k = 0; k < planes.Count; k++)
        {
            var (spec, raw) = planes[k];
            var clock = Stopwatch.StartNew();
            using (raw)
            using (var pair = LandscapeJob.Shared(LandscapeJob.Prepare(raw, spec, theta, Array.Empty<string>(), false), parameters))
            using (var progress = ProgressDisplay.Start())
            {
                string stage = $"landscape {k + 1}/{planes.Count}: {spec.Label}";
                var surface = SurfaceEvaluator.Evaluate(session.Objective, parameters, pair.D1, pair.D2, grid, null, null,
                    (done, all) => progress.Report(new AnalysisProgress(stage, done, all, "points")), Cluster.Group);
                if (folder is null) continue;
                LandscapeOutput.Plot(folder, k, spec, surface, figures);
                landscapes.Add(LandscapeOutput.Describe(spec, grid, surface, raw.Facts, settings, null, clock.Elapsed.TotalSeconds));
            }
        }
    }
}
