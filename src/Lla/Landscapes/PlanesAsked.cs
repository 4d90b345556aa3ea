using Lla.Curvature;

namespace Lla.Landscapes;

/// <summary>
/// The planes and Hessian axes a landscape run is asked for, as given (null: not given, so the default or the
/// panel decides). <see cref="Planes"/> and <see cref="EigenAxes"/> refuse settings that would be ignored.
/// </summary>
public sealed record PlanesAsked(AxesKind? Axes, NormKind? Norm, int? Order, UpdateRule? Mode, int? NumPlots, bool AllModes, long Seed,
    string? EigenPair = null, CurvatureOperator? Operator = null)
{
    /// <summary>The axes drawn: as given, else Hessian axes with <see cref="AllModes"/> and random axes otherwise.</summary>
    public AxesKind AxesDrawn => Axes ?? (AllModes ? AxesKind.Hessian : AxesKind.Random);

    public IReadOnlyList<PlaneSpec> Planes()
    {
        // --all-modes draws a fixed panel: the settings of a single plane would be ignored, so they are refused.
        if (AllModes)
            foreach (var (given, flag) in new[] { (Norm is not null, "norm"), (Order is not null, "order"), (Mode is not null, "mode"), (NumPlots is not null, "num-plots") })
                if (given) throw new LlaException($"--{flag} is not used with {{all-modes}} (its panel fixes each plane's normalization and update rule): leave out one of them");
        var norm = Norm ?? NormKind.Filter;
        if (!AllModes && Order is not null && norm is NormKind.None or NormKind.Weight)
            throw new LlaException($"{{order}} is not used by {{norm}} {norm.Name()} (only layer, model and filter take a norm order): leave out {{order}}");
        EigenAxes(); // a bad value is named as such before the question whether it belongs here
        if (AxesDrawn != AxesKind.Hessian)
        {
            if (EigenPair is not null) throw new LlaException($"{{eigen-pair}} chooses the Hessian axes, but {{axes}} is {AxesDrawn.FlagName()}: leave out {{eigen-pair}} or use {{axes}} hessian");
            if (Operator is not null) throw new LlaException($"{{operator}} chooses the Hessian axes, but {{axes}} is {AxesDrawn.FlagName()}: leave out {{operator}} or use {{axes}} hessian");
        }
        return PlaneSpec.Planes(AxesDrawn, norm, Order ?? 2, Mode ?? UpdateRule.Add, Seed, NumPlots ?? 1, AllModes);
    }

    /// <summary>The eigenvectors that are the Hessian axes: two indices by magnitude (default 0 and 1), or those of λ_max and λ_min.</summary>
    public (int First, int Second, bool MaxMin) EigenAxes()
    {
        if (EigenPair is null) return (0, 1, false);
        var parts = EigenPair.Split(',');
        if (parts is ["max", "min"]) return (0, 1, true);
        if (parts.Length != 2 || !int.TryParse(parts[0], out int first) || !int.TryParse(parts[1], out int second))
            throw new LlaException($"{{eigen-pair}} must be two different indices like 0,1, or max,min (got '{EigenPair}')");
        if (first < 0 || second < 0 || first == second) throw new LlaException($"{{eigen-pair}} must be two different indices like 0,1 (got '{EigenPair}')");
        return (first, second, false);
    }
}
