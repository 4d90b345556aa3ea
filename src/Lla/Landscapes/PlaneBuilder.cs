using Lla.Parallel;
using Lla.Vectors;

namespace Lla.Landscapes;

/// <summary>
/// Turns raw directions into a plane's axes: normalized relative to θ* (with 1-D entries zeroed if
/// asked), combined into the Adam update direction for adameq, frozen tensors zeroed, and the same
/// vectors shared by every process.
/// </summary>
public static class PlaneBuilder
{
    /// <summary>Normalizes (and freezes) raw directions for one plane; for adameq, d1 becomes m/(√|v| + ε) and d2 is dropped.</summary>
    public static DirectionPair Prepare(DirectionPair raw, PlaneSpec spec, ParameterVector theta, IReadOnlyCollection<string> frozen, bool ignoreBiasAndBatchNorm)
    {
        var d1 = Normalization.Apply(raw.D1, theta, spec.Norm, spec.Order, ignoreBiasAndBatchNorm);
        var d2 = raw.D2 is null ? null : Normalization.Apply(raw.D2, theta, spec.Norm, spec.Order, ignoreBiasAndBatchNorm);
        if (spec.Mode == UpdateRule.AdamEq)
        {
            var c = AdamUpdate.Direction(d1, d2!);
            d1.Dispose();
            d2!.Dispose();
            (d1, d2) = (c, null);
        }
        Freezing.Apply(d1, frozen);
        if (d2 is not null) Freezing.Apply(d2, frozen);
        return new DirectionPair(d1, d2, raw.Axes, raw.Facts);
    }

    /// <summary>
    /// The same directions on every process: rank 0's, broadcast (itself for one process). Every
    /// rank then evaluates its points along exactly the vectors rank 0 saved. Other ranks pass null.
    /// </summary>
    public static DirectionPair Shared(DirectionPair? onRoot, ParameterSet parameters, IProcessGroup group)
    {
        if (group.Size == 1) return onRoot!;
        var (layout, dtype, device) = (parameters.Layout, parameters.DType, parameters.Device);
        bool hasSecond = group.Broadcast(new double[] { group.IsRoot && onRoot!.D2 is not null ? 1 : 0 })[0] > 0;
        var d1 = new ParameterVector(group.Broadcast(onRoot?.D1.Flat, dtype, device), layout);
        ParameterVector? d2 = hasSecond ? new ParameterVector(group.Broadcast(onRoot?.D2?.Flat, dtype, device), layout) : null;
        var facts = onRoot?.Facts ?? new Dictionary<string, double>();
        string axes = onRoot?.Axes ?? "";
        onRoot?.Dispose();
        return new DirectionPair(d1, d2, axes, facts);
    }
}
