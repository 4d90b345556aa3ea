using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Landscapes;

public enum NormKind { None, Weight, Layer, Model, Filter }

/// <summary>
/// Direction normalizations relative to the analysed weights θ*, with true L1 (Σ|x|) or L2 norms:
/// none; weight (d ⊙ θ*); layer (per tensor d·‖θ*‖/‖d‖); model (whole vector d·‖θ*‖/‖d‖);
/// filter (per slice along the first dimension of tensors with more than one dimension,
/// d_f·‖θ*_f‖/(‖d_f‖ + 1e-10), and each 1-D tensor (bias, BatchNorm) as one slice).
/// Optionally the entries of 1-D tensors are zeroed (Li et al.'s "ignore biasbn").
/// </summary>
public static class Normalization
{
    /// <summary>A new normalized direction; <paramref name="direction"/> is left unchanged.</summary>
    public static ParameterVector Apply(ParameterVector direction, ParameterVector weights, NormKind kind, int order, bool ignoreBiasAndBatchNorm = false)
    {
        if (order is not (1 or 2)) throw new LlaException($"{{order}} must be 1 or 2 (got {order})");
        if (!direction.Layout.SameAs(weights.Layout)) throw new ArgumentException("direction and weights have different layouts");
        var result = direction.Clone();
        using var scope = NewDisposeScope();
        var d = result.Parts();
        var w = weights.Parts();
        switch (kind)
        {
            case NormKind.None:
                break;
            case NormKind.Weight:
                result.Flat.mul_(weights.Flat);
                break;
            case NormKind.Model:
                result.Flat.mul_(Norm(weights.Flat, order) / Math.Max(Norm(result.Flat, order), 1e-300));
                break;
            case NormKind.Layer:
                for (int i = 0; i < d.Length; i++)
                    d[i].mul_(Norm(w[i], order) / Math.Max(Norm(d[i], order), 1e-300));
                break;
            case NormKind.Filter:
                for (int i = 0; i < d.Length; i++)
                {
                    if (d[i].dim() <= 1)
                    {
                        d[i].mul_(Norm(w[i], order) / (Norm(d[i], order) + 1e-10));
                        continue;
                    }
                    // Per output filter / neuron row: norms over every dimension but the first.
                    var rowsD = d[i].reshape(d[i].shape[0], -1);
                    var rowsW = w[i].reshape(w[i].shape[0], -1);
                    var nd = linalg.vector_norm(rowsD, order, new long[] { 1 }, keepdim: true);
                    var nw = linalg.vector_norm(rowsW, order, new long[] { 1 }, keepdim: true);
                    rowsD.mul_(nw.div(nd.add(1e-10)));
                }
                break;
        }
        if (ignoreBiasAndBatchNorm)
            foreach (var part in d) if (part.dim() <= 1) part.zero_();
        return result;
    }

    /// <summary>‖x‖₁ = Σ|x| or ‖x‖₂.</summary>
    public static double Norm(Tensor x, int order) => order == 1 ? x.abs().sum().ToDouble() : x.norm().ToDouble();
}
