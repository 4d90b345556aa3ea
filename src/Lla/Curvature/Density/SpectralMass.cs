namespace Lla.Curvature;

/// <summary>
/// Spectral mass of one SLQ run: Negative = Σ_{λ&lt;0} |λ|·w and Positive = Σ_{λ&gt;0} λ·w over its nodes λ
/// and weights w. Multiplied by the dimension n they estimate the sums of |negative| and of positive
/// eigenvalues (Negative·n ≈ tr of the negative part, as n·Σλw ≈ tr(A)). NegativeShare = N/(N + P)
/// (NaN when both are 0).
/// </summary>
public sealed record RunSpectralMass(double Negative, double Positive)
{
    public double NegativeShare => Negative + Positive > 0 ? Negative / (Negative + Positive) : double.NaN;
}

/// <summary>Spectral masses averaged over SLQ runs, with their sample standard deviations (0 for one run).</summary>
public sealed record SpectralMassResult(
    IReadOnlyList<RunSpectralMass> Runs,
    double Negative, double NegativeStd,
    double Positive, double PositiveStd,
    double NegativeShare, double NegativeShareStd);

/// <summary>
/// The negative spectral mass of an SLQ density: how much of the spectrum's weighted magnitude lies
/// below zero. Unlike the criteria's Kh (a power n &lt; 1 of each node's λw), it is linear in the
/// eigenvalues, so it is the trace of the negative part of the operator per dimension. For the
/// residual R = H − G it measures the curvature that the GGN leaves out.
/// </summary>
public static class SpectralMass
{
    public static RunSpectralMass OfRun(SlqRun run)
    {
        double negative = 0, positive = 0;
        for (int k = 0; k < run.Nodes.Length; k++)
        {
            double lw = run.Nodes[k] * run.Weights[k];
            if (lw < 0) negative -= lw;
            else positive += lw;
        }
        return new RunSpectralMass(negative, positive);
    }

    public static SpectralMassResult FromSpectrum(IReadOnlyList<SlqRun> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no SLQ runs");
        var perRun = runs.Select(OfRun).ToArray();
        var (n, nStd) = MeanStd(perRun.Select(r => r.Negative));
        var (p, pStd) = MeanStd(perRun.Select(r => r.Positive));
        var (s, sStd) = MeanStd(perRun.Select(r => r.NegativeShare));
        return new SpectralMassResult(perRun, n, nStd, p, pStd, s, sStd);
    }

    private static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var x = values.ToArray();
        double mean = x.Average();
        double std = x.Length > 1 ? Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1)) : 0;
        return (mean, std);
    }
}
