using Lla.Runs;

namespace Lla.Reports;

/// <summary>What every figure shares: written atomically (ScottPlot saves to a temporary .png, renamed into place) and log-scale tick labels.</summary>
internal static class PngFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="savePng"/>, which is given a temporary name ending in .png.</summary>
    public static void Save(string path, Action<string> savePng) => RunFolder.WriteAtomically(path, tmp =>
    {
        string png = tmp + ".png";
        savePng(png);
        File.Move(png, tmp, overwrite: true);
    });

    /// <summary>Ticks for an axis that holds log10 of the values: labels 1eK at whole K, none between.</summary>
    public static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        LabelFormatter = y => Math.Abs(y - Math.Round(y)) < 1e-9 ? $"1e{Math.Round(y):0}" : "",
    };
}
