using Lla.Onnx;
using Lla.Tests.Support;
using Onnx;
using static Lla.Tests.Onnx.Operators.SecondDerivatives;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// BatchNormalization's older attributes (opsets 6–8: spatial, is_test, consumed_inputs) and its training outputs when the
/// statistics are computed in the graph (no BatchNorm module holds them, so the node's attributes decide the mode).
/// </summary>
public class BatchNormAttributeTests
{
    public BatchNormAttributeTests() => TestTorch.Init();

    /// <summary>x → BatchNormalization(x, scale, bias, mean, variance), the four statistics passed through Identity nodes.</summary>
    private static OnnxModule Model(Tensor[] statistics, int outputs, int output, params AttributeProto[] attributes)
    {
        var c = new Case("BatchNormalization", new[] { Normal(1) }.Concat(statistics).ToArray(), attributes, outputs, output);
        var model = SecondDerivatives.Model(c);
        var node = model.Graph.Node[0];
        for (int i = 1; i <= 4; i++)
        {
            var identity = new NodeProto { OpType = "Identity", Name = $"pass{i}" };
            identity.Input.Add($"in{i}");
            identity.Output.Add($"stat{i}");
            model.Graph.Node.Add(identity);
            node.Input[i] = $"stat{i}";
        }
        return OnnxModel.Build("batchnorm", model);
    }

    [Fact]
    public void Spatial_zero_normalizes_each_activation_with_its_own_statistics()
    {
        Tensor scale = Uniform(0.5, 2, 3, 2), bias = Normal(3, 2), mean = Normal(3, 2), variance = Uniform(0.5, 2, 3, 2);
        using var module = Model(new[] { scale, bias, mean, variance }, 1, 0,
            Int("spatial", 0), Int("is_test", 1), Ints("consumed_inputs", 0, 0, 0, 1, 1), Float("epsilon", 1e-3f));
        module.eval();
        var x = Normal(4, 3, 2);
        using var _ = no_grad();
        var expected = (x - mean) / (variance + 1e-3f).sqrt() * scale + bias;
        Assert.True(module.forward(x).allclose(expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void Is_test_zero_normalizes_with_the_batch_statistics_and_outputs_the_running_ones()
    {
        Tensor scale = Uniform(0.5, 2, 3), bias = Normal(3), mean = Normal(3), variance = Uniform(0.5, 2, 3);
        var x = Normal(4, 3, 2);
        var batchMean = x.mean(new long[] { 0, 2 });
        var batchVariance = x.var(new long[] { 0, 2 }, unbiased: false);
        using var _ = no_grad();
        using (var y = Model(new[] { scale, bias, mean, variance }, 5, 0, Int("is_test", 0), Float("momentum", 0.8f)))
        {
            var expected = (x - batchMean.reshape(1, 3, 1)) / (batchVariance.reshape(1, 3, 1) + 1e-5).sqrt() * scale.reshape(1, 3, 1) + bias.reshape(1, 3, 1);
            Assert.True(y.forward(x).allclose(expected, rtol: 1e-12, atol: 1e-12));
        }
        using (var running = Model(new[] { scale, bias, mean, variance }, 5, 2, Int("is_test", 0), Float("momentum", 0.8f)))
        {
            var expected = variance * 0.8f + batchVariance * (1 - 0.8f);
            Assert.True(running.forward(x).allclose(expected, rtol: 1e-12, atol: 1e-12));
        }
        using (var saved = Model(new[] { scale, bias, mean, variance }, 5, 3, Int("is_test", 0)))
            Assert.True(saved.forward(x).allclose(batchMean, rtol: 1e-12, atol: 1e-12));
    }
}
