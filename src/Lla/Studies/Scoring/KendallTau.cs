namespace Lla.Studies.Scoring;

/// <summary>
/// Kendall's τ_b: (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁ and n₂ the
/// pairs tied in x and in y. A pair tied in either variable counts as neither concordant nor
/// discordant. NaN when either variable is constant (or fewer than two points): τ is undefined.
/// </summary>
public static class KendallTau
{
    public static double B(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        int n = x.Count;
        long concordant = 0, discordant = 0, tiedX = 0, tiedY = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                if (sx == 0) tiedX++;
                if (sy == 0) tiedY++;
                if (sx * sy > 0) concordant++;
                else if (sx * sy < 0) discordant++;
            }
        double pairs = n * (n - 1) / 2.0;
        double denominator = Math.Sqrt((pairs - tiedX) * (pairs - tiedY));
        return denominator > 0 ? (concordant - discordant) / denominator : double.NaN;
    }
}
