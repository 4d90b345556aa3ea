using System.Globalization;
using Lla.Runs;

namespace Lla.Reports;

/// <summary>What every figure shares: written atomically (ScottPlot saves to a temporary .png, renamed into place) and log-scale ticks.</summary>
public static class PngFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="savePng"/>, which is given a temporary name ending in .png.</summary>
    internal static void Save(string path, Action<string> savePng) => RunFolder.WriteAtomically(path, tmp =>
    {
        string png = tmp + ".png";
        savePng(png);
        File.Move(png, tmp, overwrite: true);
    });

    /// <summary>
    /// Where the ticks of an axis that holds log10 of the values go: at whole exponents only (every second, fifth…
    /// when more than <paramref name="most"/> decades are shown), between the whole exponents at or below
    /// <paramref name="min"/> and at or above <paramref name="max"/> (see <see cref="LogLimits"/>).
    /// </summary>
    public static int[] LogTickExponents(double min, double max, int most = 10)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) return Array.Empty<int>();
        var (lo, hi) = LogLimits(min, max);
        int low = (int)lo, high = (int)hi;
        int step = 1;
        foreach (int s in new[] { 1, 2, 5, 10, 20, 50, 100 }) { step = s; if ((high - low) / s + 1 <= most) break; }
        return Enumerable.Range(low, high - low + 1).Where(e => e % step == 0).ToArray();
    }

    /// <summary>The whole exponents that enclose [<paramref name="min"/>, <paramref name="max"/>] (at least one decade apart): a log axis's limits.</summary>
    public static (double Low, double High) LogLimits(double min, double max)
    {
        if (max < min) (min, max) = (max, min);
        double low = Math.Floor(min + 1e-9), high = Math.Ceiling(max - 1e-9);
        if (high <= low) high = low + 1;
        return (low, high);
    }

    /// <summary>Ticks for an axis that holds log10 of the values, for data between <paramref name="min"/> and <paramref name="max"/>:
    /// major ticks labelled 1eK at whole exponents K, minor ticks at 2…9 × 10^K when every decade is labelled.</summary>
    public static ScottPlot.TickGenerators.NumericManual LogTicks(double min, double max)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var exponents = LogTickExponents(min, max);
        foreach (int e in exponents) ticks.AddMajor(e, $"1e{e}");
        if (exponents.Length > 1 && exponents[1] - exponents[0] == 1)
            foreach (int e in exponents.SkipLast(1))
                for (int m = 2; m <= 9; m++) ticks.AddMinor(e + Math.Log10(m));
        return ticks;
    }

    /// <summary>Puts <paramref name="plot"/>'s left axis on a log scale for the log10 values it draws: limits at whole exponents, ticks there (<see cref="LogTicks"/>).</summary>
    public static void LogAxis(ScottPlot.Plot plot, IEnumerable<double> log10Values)
    {
        var finite = log10Values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return;
        double min = finite.Min(), max = finite.Max();
        plot.Axes.Left.TickGenerator = LogTicks(min, max);
        var (low, high) = LogLimits(min, max);
        plot.Axes.SetLimitsY(low, high);
    }

    /// <summary>log10 of a smoothed density, floored at 1e-8 of its peak (the plots' shared floor), and where no peak, at 1e-12.</summary>
    public static double[] LogDensity(IReadOnlyList<double> density, double? peak = null)
    {
        double top = peak ?? density.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double floor = top > 0 ? top * 1e-8 : 1e-12;
        return density.Select(d => double.IsNaN(d) ? double.NaN : Math.Log10(Math.Max(d, floor))).ToArray();
    }

    /// <summary>
    /// Ticks of a colour bar that holds log10 of a loss, placed at round losses and labelled in loss units (not
    /// exponents): 1, 2 and 5 × 10^K where they are few enough, else fewer; for a range under a decade, evenly spaced
    /// round losses. Positions are log10 of the labelled values.
    /// </summary>
    public static (double Position, string Label)[] LossTicks(double minLog, double maxLog, int most = 10)
    {
        if (!double.IsFinite(minLog) || !double.IsFinite(maxLog)) return Array.Empty<(double, string)>();
        if (maxLog < minLog) (minLog, maxLog) = (maxLog, minLog);
        const double eps = 1e-9;
        List<double> Round(double[] mantissas, int decadeStep)
        {
            var values = new List<double>();
            for (int e = (int)Math.Floor(minLog); e <= (int)Math.Ceiling(maxLog); e++)
                if (decadeStep == 1 || e % decadeStep == 0)
                    foreach (double m in mantissas)
                    {
                        double p = Math.Log10(m) + e;
                        if (p >= minLog - eps && p <= maxLog + eps) values.Add(m * Math.Pow(10, e));
                    }
            return values;
        }
        List<double>? chosen = null;
        foreach (var (mantissas, decadeStep) in new[] { (new[] { 1.0, 2, 5 }, 1), (new[] { 1.0, 3 }, 1), (new[] { 1.0 }, 1), (new[] { 1.0 }, 2), (new[] { 1.0 }, 5), (new[] { 1.0 }, 10), (new[] { 1.0 }, 20), (new[] { 1.0 }, 50) })
        {
            var values = Round(mantissas, decadeStep);
            if (values.Count <= most) { chosen = values; break; }
        }
        chosen ??= new List<double>();
        if (chosen.Count < 3)
        {
            // Under a decade or so: evenly spaced round losses (step 1, 2 or 5 × 10^K).
            double low = Math.Pow(10, minLog), high = Math.Pow(10, maxLog);
            double raw = (high - low) / 5, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw * (1 - eps));
            var even = new List<double>();
            for (double v = Math.Ceiling(low / step - eps) * step; v <= high * (1 + eps); v += step)
                if (v > 0) even.Add(Math.Round(v / step) * step);
            if (even.Count >= chosen.Count) chosen = even;
        }
        return chosen.Select(v => (Math.Log10(v), LossLabel(v))).ToArray();
    }

    /// <summary>A loss as a tick label: plain for 0.001 to 9999, else 2e-05 style.</summary>
    public static string LossLabel(double v) =>
        v is >= 1e-3 and < 1e4 ? v.ToString("G4", CultureInfo.InvariantCulture) : v.ToString("0.###e0", CultureInfo.InvariantCulture);
}
