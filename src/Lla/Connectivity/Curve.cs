using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// Curves between θ_A and θ_B through a bend θ_C (Garipov et al. 2018):
/// Bezier φ(t) = (1 − t)²θ_A + 2t(1 − t)θ_C + t²θ_B, and the polygonal chain φ(t) = θ_A + 2t(θ_C − θ_A) for t &lt; 1/2,
/// θ_C + (2t − 1)(θ_B − θ_C) from t = 1/2. Both are linear in θ_C with weight <see cref="BendWeight"/>, so
/// ∂L(φ(t))/∂θ_C = BendWeight(t) · ∇L at φ(t).
/// </summary>
public static class Curve
{
    /// <summary>∂φ(t)/∂θ_C: 2t(1 − t) (Bezier); 2t before the bend and 2(1 − t) after it (chain); 0 for the linear path.</summary>
    public static double BendWeight(PathMethod method, double t) => method switch
    {
        PathMethod.Bezier => 2 * t * (1 - t),
        PathMethod.Chain => t < 0.5 ? 2 * t : 2 * (1 - t),
        PathMethod.Linear => 0,
    };

    /// <summary>
    /// φ(t) for one tensor. Bezier as a·(1 − t)² + c·2t(1 − t) + b·t²: at t = 0 and 1 the other weights are exactly
    /// zero, so φ(0) = a and φ(1) = b exactly. Chain with torch.lerp on each half, exact at 0, 1/2 (= c) and 1.
    /// </summary>
    public static Tensor At(PathMethod method, Tensor a, Tensor c, Tensor b, double t) => method switch
    {
        PathMethod.Bezier => a.mul((1 - t) * (1 - t)).add_(c, alpha: 2 * t * (1 - t)).add_(b, alpha: t * t),
        PathMethod.Chain => t < 0.5
            ? a.lerp(c, tensor(2 * t, dtype: a.dtype))
            : c.lerp(b, tensor(2 * t - 1, dtype: a.dtype)),
        PathMethod.Linear => a.lerp(b, tensor(t, dtype: a.dtype)),
    };

    /// <summary>The whole state at t (BatchNorm running statistics follow the same curve; integer buffers come from A).</summary>
    public static ModelState Point(PathMethod method, PathEnds ends, ModelState bend, double t)
    {
        ends.A.RequireSameArchitecture(bend, "the path's ends", "the bend");
        return ends.A.Select((name, a) => is_floating_point(a) ? At(method, a, bend[name], ends.B[name], t) : a.clone());
    }

    /// <summary>The midpoint (θ_A + θ_B)/2 of every entry, where a bend starts (integer buffers from A).</summary>
    public static ModelState Midpoint(PathEnds ends) => ends.A.Combine(ends.B, (a, b) => a.lerp(b, tensor(0.5, dtype: a.dtype)));
}
