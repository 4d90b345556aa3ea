using Lla.Onnx;
using Lla.Tests.Support;

namespace Lla.Tests.Onnx;

public class OnnxTiedInitializerTests
{
    public OnnxTiedInitializerTests() => TestTorch.Init();

    private static string TiedCnn => Paths.Fixture(Path.Combine("onnx-zoo", "tied_cnn.onnx"));

    /// <summary>
    /// tied_cnn.onnx (make_zoo.py) is a CNN with two BatchNorm layers left as initialized: PyTorch's exporter merged
    /// their equal tensors, so one initializer feeds several node inputs. The loader says so for each such initializer,
    /// naming the inputs; the module holds it once (fewer parameters than PyTorch's 254), and still computes ONNX Runtime's logits.
    /// </summary>
    [Fact]
    public void Initializers_merged_by_the_exporter_are_named_as_tied()
    {
        using var model = OnnxModel.Load(TiedCnn);
        Assert.NotEmpty(model.TiedInitializerNotes);
        Assert.All(model.TiedInitializerNotes, note =>
        {
            Assert.Contains("(BatchNormalization) input", note);
            Assert.Contains("one tied parameter, and the Hessian is taken over it", note);
        });
        Assert.True(model.parameters().Sum(p => p.numel()) < 254, "the merged tensors are held once");
        model.eval();
        using var batch = OnnxTestData.Images(8);
        using var expected = OnnxTestData.ReferenceLogits(TiedCnn, batch.Inputs);
        using var _ = no_grad();
        using var actual = model.forward(batch.Inputs);
        Assert.True((actual - expected).abs().max().ToDouble() <= 1e-5);
    }

    [Fact]
    public void An_export_with_distinct_values_has_no_tied_initializer()
    {
        using var model = OnnxModel.Load(OnnxTestData.Model("lenet"));
        Assert.Empty(model.TiedInitializerNotes);
    }
}
