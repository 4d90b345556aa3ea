using Lla.Curvature;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Vectors;

/// <summary>
/// float32 reductions over vectors as long as a large model's parameters (ResNet-18: 11.2 million). libtorch's float32
/// norm() and mv() were off by 4e-4 relative there, and Lanczos's top eigenvalue of ResNet-18 by 3e-3 (issue 24's
/// float32/float64 check): <see cref="Reductions"/> keeps them at float64's accuracy of the stored float32 values.
/// </summary>
public class ReductionsTests
{
    public ReductionsTests() => TestTorch.Init();

    private const long Long = 11_178_051; // ResNet-18's parameter count

    [Fact]
    public void Float32_dot_norm_and_row_products_over_eleven_million_terms_match_float64()
    {
        var generator = new Generator(1);
        using var a64 = randn(Long, dtype: ScalarType.Float64, generator: generator).abs_();
        using var b64 = randn(Long, dtype: ScalarType.Float64, generator: generator).abs_();
        using var a = a64.to(ScalarType.Float32);
        using var b = b64.to(ScalarType.Float32);
        // The float64 values of the float32 vectors: what an exact reduction of them gives.
        using var exactA = a.to(ScalarType.Float64);
        using var exactB = b.to(ScalarType.Float64);
        double dot = exactA.dot(exactB).ToDouble(), norm = exactA.norm().ToDouble();
        using var rows = stack(new[] { a, b });
        using var exactRows = stack(new[] { exactA, exactB }).mv(exactB);

        // Positive terms: no cancellation, so 1e-9 is float64's accumulation over 11 million terms with room; float32's own was 4e-4.
        Assert.True(Math.Abs(Reductions.Dot(a, b) - dot) <= 1e-9 * dot, $"dot {Reductions.Dot(a, b)} vs {dot}");
        Assert.True(Math.Abs(Reductions.Norm(a) - norm) <= 1e-9 * norm, $"norm {Reductions.Norm(a)} vs {norm}");
        using var products = Reductions.RowDots(rows, b);
        Assert.Equal(ScalarType.Float32, products.dtype);
        // Blocks of 65,536 terms in float32 BLAS, then float64, then rounded to float32: a few float32 ulps.
        for (int i = 0; i < 2; i++)
        {
            double expected = exactRows[i].ToDouble(), actual = products[i].ToDouble();
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected, $"row {i}: {actual} vs {expected}");
        }
    }

    /// <summary>diag(d): one eigenvalue 118 far above a bulk in [0, 0.05], as the Hessian of the ResNet-18 trained in the BatchNorm tests.</summary>
    private sealed class Diagonal(Tensor d) : ILinearOperator
    {
        public long Dimension => d.shape[0];
        public ScalarType DType => d.dtype;
        public Device Device => d.device;
        public long ApplyCount { get; private set; }
        public Tensor Apply(Tensor v) { ApplyCount++; return d.mul(v); }
    }

    [Fact]
    public void Float32_lanczos_over_eleven_million_parameters_finds_the_top_eigenvalue_as_float64_does()
    {
        var generator = new Generator(2);
        using var bulk = rand(Long, dtype: ScalarType.Float64, generator: generator).mul_(0.05);
        bulk[12345] = 118.0;
        using var d32 = bulk.to(ScalarType.Float32);
        double exact = d32[12345].ToDouble();
        // 12 steps (the float32 basis 0.5 GB): enough for an eigenvalue this separated; before the fix float32 gave 3e-3 off.
        var options = new LanczosOptions { K = 1, Tolerance = 1e-6, MaxSteps = 12, Seed = 3 };
        double l32 = Lanczos.TopEigenpairs(new Diagonal(d32), options).Values[0];
        Assert.True(Math.Abs(l32 - exact) <= 1e-5 * exact, $"float32 Lanczos λ1 {l32} vs {exact}: relative {Math.Abs(l32 - exact) / exact:G3}");
    }
}
