using Lla.Vectors;

namespace Lla.Curvature;

/// <summary>
/// One layer's share of an estimated diagonal: mean and max of its entries, and their sum with the
/// standard error √Σ se_j² (the entries' errors treated as independent; they come from the same
/// probes, so this is indicative, not exact).
/// </summary>
public sealed record LayerDiagonal(string Layer, long Entries, double Mean, double Max, double Sum, double SumStderr);

public static class DiagonalSummary
{
    /// <summary>Per parameter group of <see cref="LayerGroups"/>, in the layout's order.</summary>
    public static IReadOnlyList<LayerDiagonal> PerLayer(DiagonalResult diagonal, ParameterLayout layout)
    {
        var result = new List<LayerDiagonal>();
        foreach (var group in LayerGroups.Of(layout))
        {
            double sum = 0, variance = 0, max = double.NegativeInfinity;
            long count = 0;
            for (int p = 0; p < layout.Count; p++)
            {
                if (!group.Includes(layout.Names[p])) continue;
                for (long j = layout.Offsets[p]; j < layout.Offsets[p] + layout.Sizes[p]; j++)
                {
                    double d = diagonal.Diagonal[j], se = diagonal.StandardError[j];
                    sum += d;
                    if (double.IsFinite(se)) variance += se * se;
                    max = Math.Max(max, d);
                    count++;
                }
            }
            result.Add(new LayerDiagonal(group.Name, count, sum / count, max, sum, diagonal.Probes > 1 ? Math.Sqrt(variance) : double.NaN));
        }
        return result;
    }
}
