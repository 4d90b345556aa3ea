using Lla.Objectives;
using Lla.Parallel;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The residual R = H − G of the Hessian beyond the generalized Gauss-Newton matrix: the part from
/// the network's own second derivatives, weighted by the output gradients s_i. Negative eigenvalues
/// of H come from R alone, since G ⪰ 0. A product is one HVP plus one GGN product (each with its
/// own forward passes); <see cref="ApplyCount"/> counts R products.
/// </summary>
public sealed class ResidualOperator : ILinearOperator
{
    private long _count;

    public ResidualOperator(Objective objective, ParameterSet parameters, IProcessGroup? group = null)
    {
        Ggn = new GgnOperator(objective, parameters, group);
        Hessian = new HessianOperator(objective, parameters, group);
    }

    public HessianOperator Hessian { get; }
    public GgnOperator Ggn { get; }
    public long Dimension => Hessian.Dimension;
    public ScalarType DType => Hessian.DType;
    public Device Device => Hessian.Device;
    public long ApplyCount => _count;

    public Tensor Apply(Tensor v)
    {
        var hv = Hessian.Apply(v);
        using var gv = Ggn.Apply(v);
        _count++;
        return hv.sub_(gv);
    }
}
