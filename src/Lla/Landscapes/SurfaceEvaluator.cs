using Lla.Objectives;
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
/// A loss cap clips values to [0, cap] as the seed library does.
/// </summary>
public static class SurfaceEvaluator
{
    public static Surface Evaluate(Objective objective, ParameterSet parameters, ParameterVector d1, ParameterVector? d2, Grid grid,
        double? lossCap = null, PointLog? log = null, Action<int, int>? progress = null)
    {
        if (d2 is null && grid.TwoDimensional && grid.Rule == UpdateRule.Add) throw new ArgumentException("a plane needs two directions");
        if (lossCap is double cap && !(cap > 0)) throw new LlaException($"--loss-cap must be positive (got {cap})");
        using var theta = parameters.Flatten();
        int rows = grid.Rows, columns = grid.Columns;
        var loss = new double[rows][];
        var accuracy = new double[rows][];
        for (int j = 0; j < rows; j++) { loss[j] = new double[columns]; accuracy[j] = new double[columns]; }
        int computed = 0, resumed = 0, done = 0;
        try
        {
            using var work = theta.clone();
            for (int j = 0; j < rows; j++)
                for (int i = 0; i < columns; i++)
                {
                    if (log is not null && log.Finished.TryGetValue((i, j), out var known))
                    {
                        (loss[j][i], accuracy[j][i]) = known;
                        resumed++;
                    }
                    else
                    {
                        var (a, b) = grid.Coefficients(i, j);
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
                        loss[j][i] = l;
                        accuracy[j][i] = value.Accuracy;
                        log?.Add(i, j, l, value.Accuracy);
                        computed++;
                    }
                    progress?.Invoke(++done, rows * columns);
                }
        }
        finally
        {
            parameters.Assign(theta);
        }
        return new Surface(grid.Alphas, grid.Betas, loss, accuracy, computed, resumed);
    }
}
