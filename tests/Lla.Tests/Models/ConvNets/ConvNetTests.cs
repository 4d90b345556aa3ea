using Lla.Models;
using Lla.Models.ConvNets;
using Lla.Tests.Support;
using static TorchSharp.torch;

namespace Lla.Tests.Models.ConvNets;

/// <summary>
/// The VGG-like and NiN-like networks of the pgdl zoo: names parsed with every key checked, shapes and parameter
/// counts from the layer arithmetic (counted by hand below), known to the model zoo and to a study's axes.
/// </summary>
public class ConvNetTests
{
    [Theory]
    [InlineData("vgg:depth=2,width=16", ConvNetKind.Vgg, 2, 16, 0.0)]
    [InlineData("nin:depth=3,width=8,dropout=0.25", ConvNetKind.Nin, 3, 8, 0.25)]
    [InlineData("vgg:width=4, depth=1", ConvNetKind.Vgg, 1, 4, 0.0)]
    public void Names_are_parsed(string name, ConvNetKind kind, int depth, int width, double dropout)
    {
        Assert.Equal(new ConvNetConfig(kind, depth, width, dropout), ConvNetConfig.Parse(name));
        Assert.True(ModelZoo.Knows(name));
    }

    [Theory]
    [InlineData("vgg:depth=2", "key 'width' is missing")]
    [InlineData("vgg:depth=4,width=8", "key 'depth' must be a whole number from 1 to 3 (got '4')")]
    [InlineData("nin:depth=1,width=0", "key 'width' must be a whole number from 1 to 1024 (got '0')")]
    [InlineData("nin:depth=1,width=8,dropout=1", "key 'dropout' must be a probability")]
    [InlineData("vgg:depth=1,width=8,heads=2", "unknown key 'heads' (keys: depth, width, dropout)")]
    [InlineData("vgg:depth=1,depth=2,width=8", "key 'depth' is given twice")]
    [InlineData("vgg:depth", "'depth' is not key=value")]
    public void Malformed_names_are_one_line_naming_the_key(string name, string expected)
    {
        var e = Assert.Throws<LlaException>(() => ConvNetConfig.Parse(name));
        Assert.Contains(expected, e.Render(n => "--" + n));
    }

    [Fact]
    public void A_vgg_has_the_parameters_its_layers_add_up_to_and_classifies_28_pixel_images()
    {
        TestTorch.Init();
        using var model = ModelZoo.Create(new ModelSpec("vgg:depth=2,width=4", new long[] { 1, 28, 28 }, 10));
        // Block 1: 1→4 and 4→4 3×3 convolutions; block 2: 4→8 and 8→8; 28 → 14 → 7 pixels; 8·7·7 = 392 → 128 → 10.
        long expected = (1 * 4 * 9 + 4) + (4 * 4 * 9 + 4) + (4 * 8 * 9 + 8) + (8 * 8 * 9 + 8) + (392 * 128 + 128) + (128 * 10 + 10);
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
        Assert.Contains("features.0.weight", model.named_parameters().Select(p => p.name));
        Assert.Contains("classifier.4.bias", model.named_parameters().Select(p => p.name));
        using var x = randn(3, 1, 28, 28);
        using var y = model.call(x);
        Assert.Equal(new long[] { 3, 10 }, y.shape);
    }

    [Fact]
    public void A_nin_ends_in_a_one_by_one_convolution_and_global_average_pooling()
    {
        TestTorch.Init();
        using var model = ModelZoo.Create(new ModelSpec("nin:depth=3,width=2,dropout=0.5", new long[] { 3, 28, 28 }, 5));
        // Blocks of 2, 4, 8 channels: a 3×3 convolution with a BatchNorm (scale and shift) and two 1×1 convolutions each; the head 8 → 5 (1×1).
        long Block(int input, int c) => (input * c * 9 + c) + 2 * c + 2 * (c * c + c);
        long expected = Block(3, 2) + Block(2, 4) + Block(4, 8) + (8 * 5 + 5);
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
        using var x = randn(2, 3, 28, 28);
        using var y = model.call(x);
        Assert.Equal(new long[] { 2, 5 }, y.shape);
    }

    [Fact]
    public void Dropout_acts_in_training_only()
    {
        TestTorch.Init();
        using var model = ModelZoo.Create(new ModelSpec("vgg:depth=1,width=4,dropout=0.5", new long[] { 1, 28, 28 }, 10));
        using var x = randn(4, 1, 28, 28);
        model.eval();
        using (var a = model.call(x)) using (var b = model.call(x)) Assert.True(a.equal(b).all().item<bool>());
        model.train();
        manual_seed(3);
        using (var a = model.call(x)) using (var b = model.call(x)) Assert.False(a.equal(b).all().item<bool>());
    }

    [Theory]
    [InlineData("vgg:depth=3,width=4", new long[] { 1, 4, 4 }, "at least 8×8")]
    [InlineData("nin:depth=1,width=4", new long[] { 784 }, "needs images [channels, height, width]")]
    [InlineData("vgg:depth=1,width=4", new long[] { 1, 28, 20 }, "needs square images")]
    public void Data_that_does_not_fit_is_one_line(string name, long[] shape, string expected)
    {
        var e = Assert.Throws<LlaException>(() => ModelZoo.Create(new ModelSpec(name, shape, 10)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_studys_architecture_axes_read_the_name()
    {
        var vgg = new Lla.Studies.StudyModel("a", "vgg:depth=2,width=16,dropout=0.25", "adam", 1e-3, 0.9, 3, 64, false, Lla.Training.GradientManipulation.None, 1, null);
        Assert.Equal("2", vgg.AxisValue("depth"));
        Assert.Equal("16", vgg.AxisValue("width"));
        Assert.Equal("0.25", vgg.AxisValue("dropout"));
        Assert.Equal("vgg", vgg.AxisValue("family"));
        var lenet = vgg with { Architecture = "lenet" };
        Assert.Equal("-", lenet.AxisValue("depth"));
        Assert.Equal("0", lenet.AxisValue("dropout"));
        Assert.Equal("lenet", lenet.AxisValue("family"));
    }
}
