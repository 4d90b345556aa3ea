using Lla.Onnx;
using Lla.Tests.Support;

namespace Lla.Tests.Onnx;

public class OnnxParityTests
{
    public OnnxParityTests() => TestTorch.Init();

    /// <summary>
    /// The loaded module's logits equal ONNX Runtime's on real images, in float32, for two batch
    /// sizes (the batch axis is dynamic). Both sum the same products in different orders (different
    /// convolution and GEMM kernels): float32 rounding of ~1e-7 per operation over a few hundred terms
    /// stays well below 1e-5 for logits of order 1.
    /// </summary>
    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet")]
    [InlineData("batchnorm_cnn")]
    [InlineData("transformer")]
    [InlineData("operators")]
    public void Logits_match_onnx_runtime(string name)
    {
        string path = OnnxTestData.Model(name);
        using var model = OnnxModel.Load(path);
        model.eval();
        foreach (int count in new[] { 32, 3 })
        {
            using var batch = OnnxTestData.Images(count);
            using var expected = OnnxTestData.ReferenceLogits(path, batch.Inputs);
            using var _ = no_grad();
            using var actual = model.forward(batch.Inputs);
            Assert.Equal(new long[] { count, 10 }, actual.shape);
            double difference = (actual - expected).abs().max().ToDouble();
            double scale = Math.Max(1.0, expected.abs().max().ToDouble());
            Assert.True(difference <= 1e-5 * scale, $"{name}, batch {count}: largest logit difference {difference:E2} (logits up to {scale:F2})");
        }
    }

    [Fact]
    public void A_float64_copy_computes_the_same_logits_in_double_precision()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("transformer"));
        model.eval();
        using var batch = OnnxTestData.Images(8);
        using var _ = no_grad();
        using var single = model.forward(batch.Inputs);
        model.to(ScalarType.Float64);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        using var twice = model.forward(batch.Inputs.to(ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, twice.dtype);
        // The same computation in float64: only float32 rounding separates them.
        Assert.True((twice - single.to(ScalarType.Float64)).abs().max().ToDouble() <= 1e-5);
    }
}
