using Lla.Curvature;
using Lla.Landscapes;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>Resident memory over long runs: it must stay flat (no growth per HVP or per landscape point).</summary>
internal static class MemoryChecks
{
    public static void Hvps(Workload w, int count)
    {
        var op = new HessianOperator(w.Objective, w.Parameters);
        var v = randn(op.Dimension, generator: new Generator(1));
        var samples = new List<(int, double)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 1; i <= count; i++)
        {
            using (var s = NewDisposeScope()) op.Apply(v);
            if (i == Math.Min(100, count / 10) || i % (count / 10) == 0) samples.Add((i, Timing.Memory().Rss));
        }
        double first = samples[0].Item2, last = samples[^1].Item2, max = samples.Max(x => x.Item2);
        Console.WriteLine($"memory over {count:N0} HVPs ({w.Name}, batch {w.Batch.Count}, {clock.Elapsed.TotalSeconds:F0} s): RSS {first:F0} MiB after {samples[0].Item1}, {last:F0} MiB after {count:N0} (max {max:F0}); growth {last - first:+0;-0} MiB");
        Console.WriteLine("  samples: " + string.Join(", ", samples.Select(x => $"{x.Item1}: {x.Item2:F0}")));
    }

    public static void Landscape(Workload w)
    {
        using var theta = new ParameterVector(w.Parameters.Flatten(), w.Parameters.Layout);
        var pair = Directions.Random(w.Parameters.Layout, w.Parameters.DType, seed: 2);
        var grid = Grid.Create(20, 1, UpdateRule.Add, twoDimensional: true);
        var rss = new List<double>();
        SurfaceEvaluator.Evaluate(w.Objective, w.Parameters, pair.D1, pair.D2, grid, progress: (done, _) => { if (done % 49 == 0) rss.Add(Timing.Memory().Rss); });
        Console.WriteLine($"memory over a 441-point plane ({w.Name}): RSS after point 49 {rss[0]:F0} MiB, after point 441 {rss[^1]:F0} MiB (growth {rss[^1] - rss[0]:+0;-0} MiB)");
    }
}
