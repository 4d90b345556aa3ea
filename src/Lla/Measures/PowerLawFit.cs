namespace Lla.Measures;

/// <summary>A power-law fit p(λ) ∝ λ^(−α) for λ ≥ x_min: the exponent, x_min, the Kolmogorov–Smirnov distance and the tail size.</summary>
public sealed record PowerLaw(double Alpha, double XMin, double KsDistance, int TailCount);

/// <summary>
/// Maximum-likelihood power-law tail fit of Clauset, Shalizi and Newman (2009), as WeightWatcher uses it:
/// for each candidate x_min among the (positive) values, α = 1 + n / Σ_{λ_i ≥ x_min} ln(λ_i / x_min) over
/// the n values in the tail, and the KS distance D = sup_x |S(x) − P(x)| between the tail's empirical
/// CDF S and the fitted P(x) = 1 − (x / x_min)^(1 − α); the candidate with the smallest D wins.
/// <para>D is evaluated on both sides of every jump of S (i/n and (i+1)/n at the i-th tail value).
/// Candidates leave at least two values in the tail (with one, α is undefined).</para>
/// </summary>
public static class PowerLawFit
{
    public static PowerLaw Fit(IReadOnlyList<double> values)
    {
        var x = values.Where(v => v > 0 && double.IsFinite(v)).OrderBy(v => v).ToArray();
        if (x.Length < 2) throw new ArgumentException("a power-law fit needs at least two positive values");
        int total = x.Length;
        // Suffix sums of ln x: Σ_{i ≥ k} ln x_i.
        var logs = x.Select(v => Math.Log(v)).ToArray();
        var suffix = new double[total + 1];
        for (int i = total - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + logs[i];

        PowerLaw? best = null;
        for (int k = 0; k + 2 <= total; k++)
        {
            if (k > 0 && x[k] == x[k - 1]) continue; // a repeated value is the same candidate
            double xMin = x[k];
            int n = total - k;
            double logSum = suffix[k] - n * logs[k];
            if (logSum <= 0) continue;
            double alpha = 1 + n / logSum;
            double d = 0;
            for (int j = 0; j < n; j++)
            {
                double model = 1 - Math.Exp((1 - alpha) * (logs[k + j] - logs[k]));
                d = Math.Max(d, Math.Max(Math.Abs(model - (double)j / n), Math.Abs(model - (double)(j + 1) / n)));
            }
            if (best is null || d < best.KsDistance) best = new PowerLaw(alpha, xMin, d, n);
        }
        return best ?? throw new ArgumentException("all values are equal: no power-law tail to fit");
    }
}
