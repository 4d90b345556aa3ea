using Tensor = TorchSharp.torch.Tensor;

namespace Lla.Tests.Onnx.Conformance;

/// <summary>
/// Whether a computed tensor agrees with an expected one as ONNX's backend runner checks it
/// (numpy.testing.assert_allclose): the same shape, and |actual − expected| ≤ atol + rtol·|expected|
/// elementwise for floating values, NaN where NaN is expected and the same infinities; integer and
/// boolean values equal exactly. Element types are not compared: Lla.NET computes every floating
/// tensor in the model's working precision (a Cast to double in a float32 graph stays float32).
/// </summary>
internal static class TensorAgreement
{
    public const double RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-7;

    /// <summary>Null when they agree, else why not (one line).</summary>
    public static string? Disagreement(Tensor actual, Tensor expected)
    {
        using var scope = torch.NewDisposeScope();
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]";
        if (expected.numel() == 0) return null;
        bool floating = expected.is_floating_point() || actual.is_floating_point();
        if (!floating)
        {
            using var a = actual.cpu().to(ScalarType.Int64);
            using var e = expected.cpu().to(ScalarType.Int64);
            long differ = a.ne(e).sum().ToInt64();
            return differ == 0 ? null : $"{differ} of {e.numel()} integer values differ";
        }
        var x = actual.detach().cpu().to(ScalarType.Float64);
        var y = expected.cpu().to(ScalarType.Float64);
        var nanMismatch = x.isnan().logical_xor(y.isnan());
        var bothFinite = x.isfinite().logical_and(y.isfinite());
        var infiniteMismatch = y.isinf().logical_and(x.ne(y)).logical_or(x.isinf().logical_and(x.ne(y)));
        var far = (x - y).abs() > AbsoluteTolerance + RelativeTolerance * y.abs();
        var bad = nanMismatch.logical_or(infiniteMismatch).logical_or(bothFinite.logical_and(far));
        long count = bad.sum().ToInt64();
        if (count == 0) return null;
        double largest = torch.where(bothFinite, (x - y).abs(), torch.zeros_like(x)).max().ToDouble();
        return $"{count} of {y.numel()} values outside tolerance (largest finite difference {largest:G3})";
    }
}
