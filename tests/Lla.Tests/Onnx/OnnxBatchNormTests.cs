using Lla.Curvature;
using Lla.Objectives;
using Lla.Onnx;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Onnx;

public class OnnxBatchNormTests
{
    public OnnxBatchNormTests() => TestTorch.Init();

    private static readonly string[] Statistics =
        { "bn.running_mean", "bn.running_var", "block.bn1.running_mean", "block.bn1.running_var", "block.bn2.running_mean", "block.bn2.running_var" };

    [Fact]
    public void Float_initializers_are_parameters_and_statistics_and_constants_are_buffers()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("batchnorm_cnn"));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new[] { "block.bn1.bias", "block.bn1.weight", "block.bn2.bias", "block.bn2.weight", "block.conv1.weight", "block.conv2.weight",
            "bn.bias", "bn.weight", "head.bias", "head.weight", "stem.weight" }, parameters.Keys.Order(StringComparer.Ordinal));
        Assert.All(parameters.Values, p => Assert.True(p.requires_grad));
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        Assert.All(Statistics, s => Assert.Contains(s, buffers.Keys));
        Assert.All(buffers.Values, b => Assert.False(b.requires_grad));
        // The Pad node's pads come from a Constant node: an integer buffer under its ONNX name.
        Assert.Contains(buffers, b => b.Value.dtype == ScalarType.Int64);
        Assert.All(model.OnnxNames, n => Assert.Equal(n.Key, n.Value));
        Assert.True(AnalysisMode.HasBatchNorm(model));
    }

    /// <summary>
    /// Against TorchSharp's BatchNorm2d with the same values: eval mode uses the running statistics,
    /// train mode the batch's and updates the running statistics with momentum 0.1 (stored in the file
    /// as ONNX momentum 0.9, in float32: 1e-6 covers that rounding and float32 arithmetic).
    /// </summary>
    [Fact]
    public void Batch_norm_follows_train_and_eval_mode_like_torch()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("batchnorm_cnn"));
        using var twin = BatchNormCnnTwin.Of(model);
        using var batch = OnnxTestData.Images(32);
        using var _ = no_grad();

        model.eval();
        twin.eval();
        var evalOutput = model.forward(batch.Inputs);
        Assert.True((evalOutput - twin.forward(batch.Inputs)).abs().max().ToDouble() <= 1e-5);

        model.train();
        twin.train();
        var trainOutput = model.forward(batch.Inputs);
        Assert.True((trainOutput - twin.forward(batch.Inputs)).abs().max().ToDouble() <= 1e-5);
        Assert.True((trainOutput - evalOutput).abs().max().ToDouble() > 1e-3, "train mode must normalize with the batch statistics");

        var ours = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var theirs = twin.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var name in Statistics)
            Assert.True((ours[name] - theirs[name]).abs().max().ToDouble() <= 1e-6, $"{name} after one train-mode forward");
    }

    [Fact]
    public void Analysis_mode_puts_the_onnx_batch_norms_in_train_mode_and_restores_their_statistics()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("batchnorm_cnn"));
        using var twin = BatchNormCnnTwin.Of(model);
        model.eval();
        twin.train();
        var before = model.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone());
        using var batch = OnnxTestData.Images(16);
        using (new AnalysisMode(model, BatchNormMode.Train))
        using (no_grad())
        {
            Assert.True((model.forward(batch.Inputs) - twin.forward(batch.Inputs)).abs().max().ToDouble() <= 1e-5);
        }
        Assert.False(model.training);
        foreach (var (name, buffer) in model.named_buffers())
            Assert.True(buffer.allclose(before[name], rtol: 0, atol: 0), $"{name} was not restored");
    }

    /// <summary>
    /// Double backward through batch statistics: the ONNX module's Hessian-vector products equal
    /// those of TorchSharp's BatchNorm2d network with the same weights (float64, exact up to rounding:
    /// 1e-10 relative). ReLU kinks rule out finite differences here.
    /// </summary>
    [Fact]
    public void Hessian_vector_products_in_train_mode_equal_torchsharp_batch_norm()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("batchnorm_cnn"));
        model.to(ScalarType.Float64);
        using var twin = BatchNormCnnTwin.Of(model);
        using var batch = OnnxTestData.Images(16, ScalarType.Float64);
        Tensor Hvp(nn.Module<Tensor, Tensor> m, Func<string, Tensor> direction)
        {
            using var mode = new AnalysisMode(m, BatchNormMode.Train);
            var parameters = ParameterSet.Of(m);
            var v = cat(m.named_parameters().Where(p => p.parameter.requires_grad).Select(p => direction(p.name).flatten()).ToArray());
            var hv = new HessianOperator(new Objective(m, LossFunctions.CrossEntropy, new[] { batch }), parameters).Apply(v);
            // Back to per-name pieces, so the two layouts compare whatever their order.
            return cat(parameters.Unflatten(hv).Zip(m.named_parameters().Where(p => p.parameter.requires_grad))
                .OrderBy(x => x.Second.name, StringComparer.Ordinal).Select(x => x.First.flatten()).ToArray());
        }
        var g = new Generator(9);
        var directions = model.named_parameters().ToDictionary(p => p.name, p => randn(p.parameter.shape, dtype: ScalarType.Float64, generator: g));
        var ours = Hvp(model, n => directions[n]);
        var theirs = Hvp(twin, n => directions[n]);
        double relative = (ours - theirs).norm().ToDouble() / theirs.norm().ToDouble();
        Assert.True(relative <= 1e-10, $"relative difference {relative:E2}");
    }
}
