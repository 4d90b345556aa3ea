using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Landscapes;

/// <summary>Loss and accuracy over a grid: [row j][column i] (j indexes β, i indexes α).</summary>
public sealed record Surface(double[] Alphas, double[] Betas, double[][] Loss, double[][] Accuracy, int Computed, int Resumed);

/// <summary>
/// Evaluates the loss on a grid around θ*: every point is set exactly as θ* + a·d1 + b·d2 from the
/// stored base weights (no walking, no drift), evaluated without autograd on every batch of the
/// objective (batch-size-weighted) in the objective's current module modes, then θ* is restored
/// bit for bit. Finished points go to an optional <see cref="PointLog"/> and are skipped on resume.
/// A loss cap clips values to [0, cap] as the seed library does. With several processes the points
/// are shared round-robin and sent to rank 0 as they are done; rank 0 alone holds the log and the
/// complete surface.
/// </summary>
public static class SurfaceEvaluator
{
    public static Surface Evaluate(Objective objective, ParameterSet parameters, ParameterVector d1, ParameterVector? d2, Grid grid,
        double? lossCap = null, PointLog? log = null, Action<int, int>? progress = null, IProcessGroup? group = null)
    {
        if (d2 is null && grid.TwoDimensional && grid.Rule == UpdateRule.Add) throw new ArgumentException("a plane needs two directions");
        if (lossCap is double cap && !(cap > 0)) throw new LlaException($"{{loss-cap}} must be positive (got {cap})");
        group ??= SingleProcess.Instance;
        int rows = grid.Rows, columns = grid.Columns, all = rows * columns;
        var loss = new double[rows][];
        var accuracy = new double[rows][];
        for (int j = 0; j < rows; j++) { loss[j] = new double[columns]; accuracy[j] = new double[columns]; }

        // Rank 0 holds the log: the points it lacks, in row-major order, are what everyone computes.
        var pending = new List<double>();
        int resumed = 0;
        if (group.IsRoot)
            for (int p = 0; p < all; p++)
            {
                int i = p % columns, j = p / columns;
                if (log is not null && log.Finished.TryGetValue((i, j), out var known)) { (loss[j][i], accuracy[j][i]) = known; resumed++; }
                else pending.Add(p);
            }
        var todo = group.Broadcast(pending.ToArray());
        int computed = 0, done = resumed;
        if (group.IsRoot && resumed > 0) progress?.Invoke(done, all);

        using var theta = parameters.Flatten();
        try
        {
            using var work = theta.clone();
            // Rank r computes todo[r], todo[r + size], …; every other rank sends each result to rank 0
            // as soon as it has it, and rank 0 logs what has arrived after each of its own points (and
            // waits for the rest at the end), so its log is current and no rank waits for another.
            void Record(double[] r)
            {
                int p = (int)r[0], i = p % columns, j = p / columns;
                loss[j][i] = r[1];
                accuracy[j][i] = r[2];
                log?.Add(i, j, r[1], r[2]);
                computed++;
                progress?.Invoke(++done, all);
            }
            for (int k = group.Rank; k < todo.Length; k += group.Size)
            {
                int p = (int)todo[k];
                var (a, b) = grid.Coefficients(p % columns, p / columns);
                using (no_grad())
                {
                    work.copy_(theta);
                    if (a != 0) work.add_(d1.Flat, a);
                    if (b != 0) work.add_(d2!.Flat, b);
                }
                parameters.Assign(work);
                var value = objective.Evaluate(allowNonFinite: true);
                double l = value.Loss;
                if (lossCap is double c) l = double.IsNaN(l) ? c : Math.Clamp(l, 0, c);
                var record = new double[] { p, l, value.Accuracy };
                if (!group.IsRoot) { group.SendToRoot(record); continue; }
                Record(record);
                while (group.TryReceive(3) is { } other) Record(other);
            }
            if (group.IsRoot)
                while (computed < todo.Length) Record(group.Receive(3));
        }
        finally
        {
            parameters.Assign(theta);
        }
        return new Surface(grid.Alphas, grid.Betas, loss, accuracy, computed, resumed);
    }
}
