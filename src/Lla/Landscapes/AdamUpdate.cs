using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Landscapes;

/// <summary>
/// The direction of the Adam update equation: C = m / (√|v| + 1e-6), from the (normalized) first
/// and second moments, without bias correction (as the seed library). |v| guards against the sign
/// changes a weight normalization (v ⊙ θ*) introduces.
/// </summary>
public static class AdamUpdate
{
    public const double Epsilon = 1e-6;

    public static ParameterVector Direction(ParameterVector m, ParameterVector v)
    {
        using var scope = NewDisposeScope();
        var c = m.Flat.div(v.Flat.abs().sqrt().add(Epsilon));
        return new ParameterVector(c.MoveToOuterDisposeScope(), m.Layout);
    }
}
