using System.Diagnostics;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>One benchmark item: its time, HVP count, and values or errors worth printing.</summary>
internal sealed record Item(string Name, double Seconds, long Hvps, string Detail);

/// <summary>The six items of the benchmark, done by lla's own code.</summary>
internal static class OurItems
{
    public static double Forward(Workload w, int repeats) =>
        Timing.Median(() => { using var _ = no_grad(); using var s = NewDisposeScope(); w.Model.forward(w.Batch.Inputs); }, repeats);

    public static double Hvp(HessianOperator op, int repeats)
    {
        var v = randn(op.Dimension, generator: new Generator(1));
        return Timing.Median(() => { using var s = NewDisposeScope(); op.Apply(v); }, repeats);
    }

    /// <summary>A 20×20-interval filter-normalized random plane (441 points): per-point median, total, and bare forwards measured before and after it.</summary>
    public static (double PerPoint, double Total, double Bare) Landscape(Workload w, int repeats)
    {
        using var theta = new ParameterVector(w.Parameters.Flatten(), w.Parameters.Layout);
        var pair = Directions.Random(w.Parameters.Layout, w.Parameters.DType, seed: 1);
        var d1 = Normalization.Apply(pair.D1, theta, NormKind.Filter, 2);
        var d2 = Normalization.Apply(pair.D2!, theta, NormKind.Filter, 2);
        var grid = Grid.Create(20, 1, UpdateRule.Add, twoDimensional: true);
        SurfaceEvaluator.Evaluate(w.Objective, w.Parameters, d1, d2, Grid.Create(2, 1, UpdateRule.Add, true)); // warm-up
        double before = Forward(w, repeats);
        var stamps = new List<double> { 0 };
        var clock = Stopwatch.StartNew();
        SurfaceEvaluator.Evaluate(w.Objective, w.Parameters, d1, d2, grid, progress: (_, _) => stamps.Add(clock.Elapsed.TotalSeconds));
        double total = clock.Elapsed.TotalSeconds;
        var durations = stamps.Zip(stamps.Skip(1), (a, b) => b - a).OrderBy(x => x).ToList();
        double after = Forward(w, repeats);
        return (durations[durations.Count / 2], total, (before + after) / 2);
    }

    public static double RelativeError(double value, double reference) => Math.Abs(value - reference) / Math.Abs(reference);
}
