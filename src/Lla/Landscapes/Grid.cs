namespace Lla.Landscapes;

public enum UpdateRule { Add, [SettingName("adameq")] AdamEq }

/// <summary>
/// The coordinates of a landscape. For <see cref="UpdateRule.Add"/>: S + 1 points per axis,
/// α_i = (i − S/2)·distance/S, spanning [−distance/2, distance/2] with the centre (0, 0) on the grid
/// (S must be even). For <see cref="UpdateRule.AdamEq"/> (the Adam update equation θ* + (a/√b)·C):
/// a_i = (i − S/2)·2·distance/S over [−distance, distance] and b_j = 0.1 + j·2·distance/S over
/// [0.1, 0.1 + 2·distance]; with distance 1 these are the seed library's ranges [−1, 1) and
/// [0.1, 2.1), here with both ends and a = 0 (θ* itself) on the grid.
/// </summary>
public sealed record Grid(int Steps, double Distance, UpdateRule Rule, bool TwoDimensional)
{
    public const double MaxDistance = 1e6;

    public static Grid Create(int steps, double distance, UpdateRule rule, bool twoDimensional)
    {
        if (steps < 2 || steps % 2 != 0) throw new LlaException($"{{steps}} must be an even number of at least 2, so that the centre is a grid point (got {steps})");
        if (!(distance > 0) || double.IsInfinity(distance)) throw new LlaException($"{{distance}} must be positive (got {distance})");
        // Beyond this the points θ* ± distance·d leave float32's range for any normalized direction.
        if (distance > MaxDistance) throw new LlaException($"{{distance}} {distance:G3} is too large: at most {MaxDistance:G0} (the weights would overflow)");
        double points = twoDimensional ? Math.Pow(steps + 1.0, 2) : steps + 1.0;
        Native.MemoryBudget.Require(points * 64, $"a grid of {points:G3} points ({{steps}} {steps})");
        if (rule == UpdateRule.AdamEq && !twoDimensional) throw new LlaException("adameq needs a plane (two axes)");
        return new Grid(steps, distance, rule, twoDimensional);
    }

    public double[] Alphas => field ??= Enumerable.Range(0, Steps + 1).Select(i => Rule == UpdateRule.Add
        ? (i - Steps / 2) * Distance / Steps
        : (i - Steps / 2) * 2 * Distance / Steps).ToArray();

    public double[] Betas => field ??= !TwoDimensional ? new[] { 0.0 } : Enumerable.Range(0, Steps + 1).Select(j => Rule == UpdateRule.Add
        ? (j - Steps / 2) * Distance / Steps
        : 0.1 + j * 2 * Distance / Steps).ToArray();

    public int Rows => TwoDimensional ? Steps + 1 : 1;
    public int Columns => Steps + 1;
    public int PointCount => Rows * Columns;

    /// <summary>The multipliers of the two directions at grid point (i = α index, j = β index).</summary>
    public (double A, double B) Coefficients(int i, int j)
    {
        double a = Alphas[i], b = Betas[j];
        return Rule == UpdateRule.Add ? (a, b) : (a / Math.Sqrt(b), 0);
    }
}
