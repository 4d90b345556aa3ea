using Lla.Curvature;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// `--operators`: the cost of one product of each curvature operator beside one HVP on the same
/// batch and vector, interleaved round by round so drifting machine load falls on all alike; every
/// product does its own forward pass (none reuses another's graph). Median of the rounds.
/// </summary>
internal static class OperatorCost
{
    public static void Run(Workload w, int repeats)
    {
        var kinds = new[] { CurvatureOperator.Hessian, CurvatureOperator.Ggn, CurvatureOperator.EmpiricalFisher, CurvatureOperator.Residual };
        var operators = kinds.ToDictionary(k => k, k => CurvatureOperators.Create(k, w.Objective, w.Parameters));
        var v = randn(w.Parameters.Dimension, generator: new Generator(1));
        var times = kinds.ToDictionary(k => k, _ => new List<double>());
        foreach (var op in operators.Values) { using var warm = NewDisposeScope(); op.Apply(v); }
        for (int round = 0; round < repeats; round++)
            foreach (var k in kinds)
                times[k].Add(Timing.Seconds(() => { using var s = NewDisposeScope(); operators[k].Apply(v); }));
        double Median(CurvatureOperator k) => times[k].Order().ElementAt(times[k].Count / 2);
        double hvp = Median(CurvatureOperator.Hessian);
        Console.WriteLine($"\n### {w.Name}: one product of each curvature operator (median of {repeats} interleaved rounds)\n");
        Console.WriteLine("| operator | one product | ratio to one HVP |");
        Console.WriteLine("|---|---|---|");
        foreach (var k in kinds)
            Console.WriteLine($"| {k.Name()} | {Median(k) * 1e3:F1} ms | **{Median(k) / hvp:F2}×** |");
    }
}
