namespace Lla.Curvature;

/// <summary>
/// The eigenpairs of the most positive and the most negative curvature, λ_max and λ_min (algebraically),
/// as Hessian axes (`lla landscape --eigen-pair max,min`, after Böttcher and Wheeler 2022): a plane along
/// them shows saddle structure (up along one axis, down along the other) that the top-two-by-magnitude
/// plane hides when the two largest magnitudes are both positive. Two Lanczos runs from the same seed,
/// one for each end of the spectrum.
/// </summary>
public static class ExtremeEigenpairs
{
    /// <summary>[max, min]: pairs ordered λ_max then λ_min; steps, operator applications and restarts of both runs, the larger basis.</summary>
    public static EigenResult MaxMin(ILinearOperator op, LanczosOptions options)
    {
        if (op.Dimension < 2) throw new LlaException("the max,min eigenpairs need at least two parameters");
        var max = Lanczos.TopEigenpairs(op, options with { K = 1, Which = EigenTarget.Largest });
        var min = Lanczos.TopEigenpairs(op, options with { K = 1, Which = EigenTarget.Smallest });
        return new EigenResult(new[] { max.Pairs[0], min.Pairs[0] }, max.Steps + min.Steps,
            max.OperatorApplications + min.OperatorApplications, "lanczos max,min", options.Seed)
        {
            Basis = Math.Max(max.Basis ?? 0, min.Basis ?? 0), Restarts = (max.Restarts ?? 0) + (min.Restarts ?? 0),
        };
    }
}
