using System.Diagnostics;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// Where the time of one HVP goes: the stages of HessianOperator.Apply timed one by one (medians
/// over repeats): forward + loss, the first gradient with its graph kept, the dot product gᵀv, the
/// second backward pass, and flattening the result.
/// </summary>
internal static class HvpProfile
{
    public static void Run(Workload w, int repeats)
    {
        var inputs = w.Parameters.Parameters.Cast<Tensor>().ToArray();
        var v = randn(w.Parameters.Dimension, generator: new Generator(1));
        var stages = new Dictionary<string, List<double>> { ["forward+loss"] = new(), ["first gradient (create_graph)"] = new(), ["gᵀv"] = new(), ["second backward"] = new(), ["flatten"] = new() };
        for (int r = 0; r <= repeats; r++)
        {
            using var gradMode = enable_grad();
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            void Mark(string stage) { if (r > 0) stages[stage].Add(clock.Elapsed.TotalSeconds); clock.Restart(); }
            var loss = w.Objective.BatchLoss(w.Batch);
            Mark("forward+loss");
            var grads = autograd.grad(new[] { loss }, inputs, create_graph: true, retain_graph: true);
            Mark("first gradient (create_graph)");
            var parts = w.Parameters.Unflatten(v);
            Tensor gv = grads[0].mul(parts[0]).sum();
            for (int j = 1; j < grads.Count; j++) gv = gv.add(grads[j].mul(parts[j]).sum());
            Mark("gᵀv");
            var hv = autograd.grad(new[] { gv }, inputs);
            Mark("second backward");
            w.Parameters.FlattenLike(hv.ToArray());
            Mark("flatten");
        }
        double total = stages.Values.Sum(t => Timing.Median(t));
        Console.WriteLine($"where an HVP's time goes ({w.Name}, batch {w.Batch.Count}, medians of {repeats}): " +
            string.Join(", ", stages.Select(kv => $"{kv.Key} {Timing.Median(kv.Value) * 1e3:F1} ms ({Timing.Median(kv.Value) / total:P0})")));
    }
}
