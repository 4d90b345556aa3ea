using Lla.Vectors;

namespace Lla.Landscapes;

/// <summary>
/// Keeps some parameter tensors fixed by zeroing their entries in a direction. As the seed
/// library: K ≥ 0 keeps tensors with index ≥ K fixed, K &lt; 0 keeps tensors with index &lt; |K|
/// fixed (indices in <c>parameters()</c> order); and by name with globs.
/// </summary>
public static class Freezing
{
    public static IReadOnlyList<string> FrozenNames(ParameterLayout layout, int? freezeIndex, string? freezeGlobs)
    {
        var byName = ParameterFilter.FromGlobs(freezeGlobs);
        var frozen = new List<string>();
        for (int i = 0; i < layout.Count; i++)
        {
            bool byIndex = freezeIndex is int k && (k >= 0 ? i >= k : i < -k);
            if (byIndex || (byName?.Invoke(layout.Names[i]) ?? false)) frozen.Add(layout.Names[i]);
        }
        if (frozen.Count == layout.Count) throw new LlaException("{freeze}/{freeze-names} keep every parameter fixed: nothing would move");
        return frozen;
    }

    /// <summary>Zeroes the entries of the named tensors, in place.</summary>
    public static void Apply(ParameterVector direction, IReadOnlyCollection<string> frozen)
    {
        if (frozen.Count == 0) return;
        using var scope = torch.NewDisposeScope();
        var parts = direction.Parts();
        for (int i = 0; i < parts.Length; i++)
            if (frozen.Contains(direction.Layout.Names[i])) parts[i].zero_();
    }
}
