using System.Diagnostics;
using Lla.Curvature;
using Lla.Native;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Runs;
using Lla.Vectors;

namespace Lla.Landscapes;

/// <summary>
/// `analyze`'s pictures: a random plane, a plane along the top two Hessian eigenvectors and, when
/// the weights file holds Adam moments, an Adam-axes plane; all filter-L2 normalized so they are
/// drawn to the same scale, on the analysed batches, distance 1.
/// </summary>
public static class OverviewPlanes
{
    public static IReadOnlyList<LandscapeRecord> Evaluate(AnalysisSession session, ParameterSet parameters, EigenResult? eigen, int steps,
        Action<AnalysisProgress>? progress, IProcessGroup group)
    {
        long seed = session.Source.Seed;
        using var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
        var grid = Grid.Create(steps, 1.0, UpdateRule.Add, twoDimensional: true);
        var settings = new LandscapeRecords.Settings(false, Array.Empty<string>(), null);
        var planes = new List<(PlaneSpec Spec, DirectionPair Raw)>
        {
            (new PlaneSpec(AxesKind.Random, NormKind.Filter, 2, UpdateRule.Add, seed), Directions.Random(parameters.Layout, parameters.DType, seed).On(parameters.Device)),
        };
        if (eigen is { Pairs.Count: >= 2 })
        {
            ParameterVector Vector(int k) => new(TorchSharp.torch.tensor(eigen.Pairs[k].Vector).to(parameters.DType, disposeAfter: true).to(parameters.Device, disposeAfter: true), parameters.Layout);
            planes.Add((new PlaneSpec(AxesKind.Hessian, NormKind.Filter, 2, UpdateRule.Add, seed),
                new DirectionPair(Vector(0), Vector(1), "hessian", new Dictionary<string, double>
                {
                    ["eigenvalue_1"] = eigen.Pairs[0].Value, ["eigenvalue_2"] = eigen.Pairs[1].Value,
                    ["residual_1"] = eigen.Pairs[0].Residual, ["residual_2"] = eigen.Pairs[1].Residual,
                })));
        }
        // Adam axes too when the weights carry the Adam state that `lla train` saves.
        if (session.Source.Weights is string weights)
        {
            try { planes.Add((new PlaneSpec(AxesKind.Adam, NormKind.Filter, 2, UpdateRule.Add, seed), Directions.Adam(weights, parameters.Layout, parameters.DType).On(parameters.Device))); }
            catch (LlaException) { /* no Adam state in this file: two planes */ }
        }
        var records = new List<LandscapeRecord>();
        using var forwardOnly = TorchContext.OneDnnScope(true);
        for (int k = 0; k < planes.Count; k++)
        {
            var (spec, raw) = planes[k];
            var clock = Stopwatch.StartNew();
            using (raw)
            using (var pair = PlaneBuilder.Shared(PlaneBuilder.Prepare(raw, spec, theta, Array.Empty<string>(), false), parameters, group))
            {
                string stage = $"landscape {k + 1}/{planes.Count}: {spec.Label}";
                var surface = SurfaceEvaluator.Evaluate(session.Objective, parameters, pair.D1, pair.D2, grid, null, null,
                    (done, all) => progress?.Invoke(new AnalysisProgress(stage, done, all, "points")), group);
                records.Add(LandscapeRecords.From(spec, grid, surface, raw.Facts, settings, null, clock.Elapsed.TotalSeconds));
            }
        }
        return records;
    }
}
