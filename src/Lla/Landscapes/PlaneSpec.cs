namespace Lla.Landscapes;

/// <summary>One landscape to draw: which axes, how they are normalized, and the update rule.</summary>
public sealed record PlaneSpec(AxesKind Axes, NormKind Norm, int Order, UpdateRule Mode, long Seed)
{
    /// <summary>The plane in words (results' landscapes carry it; a settings record has its parts).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public string Label => Mode == UpdateRule.AdamEq
        ? $"{Axes.Name()} axes, adameq, {Norm.Name()}{(Norm == NormKind.None ? "" : $"-L{Order}")}"
        : $"{Axes.Name()} axes, {Norm.Name()}{(Norm == NormKind.None ? "" : $"-L{Order}")}";

    /// <summary>
    /// The planes of a run: <paramref name="count"/> planes of the given axes (random axes with seeds
    /// seed, seed + 1, …), or with <paramref name="allModes"/> the seed library's panel: random axes, then
    /// <paramref name="axes"/> (Hessian or Adam; other axes are refused, not replaced).
    /// </summary>
    public static IReadOnlyList<PlaneSpec> Planes(AxesKind axes, NormKind norm, int order, UpdateRule rule, long seed, int count, bool allModes)
    {
        if (order is not (1 or 2)) throw new LlaException($"{{order}} must be 1 or 2 (got {order})");
        if (count < 1) throw new LlaException($"{{num-plots}} must be at least 1 (got {count})");
        if (count > 1 && !axes.IsRandom()) throw new LlaException("{num-plots} above 1 needs random axes (other axes give the same plane every time)");
        if (allModes && axes is not (AxesKind.Hessian or AxesKind.Adam))
            throw new LlaException($"{{all-modes}} draws random axes and then Hessian or Adam axes: give {{axes}} hessian (the default with it) or adam (got {axes.Name()})");
        if (allModes && count > 1) throw new LlaException("{all-modes} draws its own panel of planes: leave out {num-plots}");
        return allModes ? AllModes(axes, seed) : Enumerable.Range(0, count).Select(k => new PlaneSpec(axes, norm, order, rule, seed + k)).ToList();
    }

    /// <summary>
    /// The seed library's "all modes" panel: random axes with none / weight / filter-L1 / filter-L2,
    /// then the same four for Hessian axes, or for Adam axes plus adameq with none and with filter-L2.
    /// </summary>
    public static IReadOnlyList<PlaneSpec> AllModes(AxesKind axes, long seed)
    {
        var modes = new (NormKind Norm, int Order)[] { (NormKind.None, 2), (NormKind.Weight, 2), (NormKind.Filter, 1), (NormKind.Filter, 2) };
        var list = modes.Select(m => new PlaneSpec(AxesKind.Random, m.Norm, m.Order, UpdateRule.Add, seed)).ToList();
        var second = axes == AxesKind.Adam ? AxesKind.Adam : AxesKind.Hessian;
        list.AddRange(modes.Select(m => new PlaneSpec(second, m.Norm, m.Order, UpdateRule.Add, seed)));
        if (second == AxesKind.Adam)
        {
            list.Add(new PlaneSpec(AxesKind.Adam, NormKind.None, 2, UpdateRule.AdamEq, seed));
            list.Add(new PlaneSpec(AxesKind.Adam, NormKind.Filter, 2, UpdateRule.AdamEq, seed));
        }
        return list;
    }
}
