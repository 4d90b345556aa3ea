using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>A symmetric linear map on flat vectors: the Hessian, or an explicit matrix in tests.</summary>
public interface ILinearOperator
{
    long Dimension { get; }
    ScalarType DType { get; }
    Device Device { get; }

    /// <summary>A·v as a new tensor owned by the caller.</summary>
    Tensor Apply(Tensor v);

    /// <summary>How many times <see cref="Apply"/> has run (for an operator that is a Hessian: HVPs).</summary>
    long ApplyCount { get; }
}
