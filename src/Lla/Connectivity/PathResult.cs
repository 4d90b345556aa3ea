namespace Lla.Connectivity;

/// <summary>
/// Loss and accuracy along a path between two models, at the points <see cref="T"/> (from 0 = θ_A to 1 = θ_B),
/// on the training batches and the test batches, with the barriers of both.
/// </summary>
/// <param name="Method">The path's shape.</param>
/// <param name="Aligned">Whether model B was permuted to match model A (weight matching) before the path was built.</param>
/// <param name="BatchNorm">How BatchNorm layers were handled at each point.</param>
/// <param name="TrainBarrier">max_t [L(θ(t)) − ((1 − t)L(θ_A) + tL(θ_B))] on the training batches.</param>
/// <param name="TestBarrier">The same on the test batches (NaN when no test batch was given).</param>
public sealed record PathResult(
    PathMethod Method,
    bool Aligned,
    PathBatchNorm BatchNorm,
    IReadOnlyList<double> T,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> TrainAccuracy,
    IReadOnlyList<double> TestLoss,
    IReadOnlyList<double> TestAccuracy,
    double TrainBarrier,
    double TestBarrier)
{
    /// <summary>
    /// The barrier of losses <paramref name="loss"/> at points <paramref name="t"/> (the first at t = 0, the last at
    /// t = 1): max_i [L_i − (L_0 + t_i(L_last − L_0))], the largest excess over the straight line between the end
    /// losses. The endpoints contribute exactly 0, so the barrier is never negative. NaN for an empty list.
    /// </summary>
    public static double Barrier(IReadOnlyList<double> t, IReadOnlyList<double> loss)
    {
        if (t.Count != loss.Count) throw new ArgumentException("t and loss differ in length");
        if (loss.Count == 0) return double.NaN;
        double first = loss[0], last = loss[^1], barrier = double.NegativeInfinity;
        for (int i = 0; i < loss.Count; i++)
            barrier = Math.Max(barrier, loss[i] - (first + t[i] * (last - first)));
        return barrier;
    }
}
