using Lla.Data;
using Lla.Data.Text;
using Lla.Tests.Support;
using static TorchSharp.torch;

namespace Lla.Tests.Data.Text;

public class TokenNoiseTests
{
    public TokenNoiseTests() => TestTorch.Init();

    private static bool Same(Tensor a, Tensor b) { using var eq = a.eq(b); using var all = eq.all(); return all.ToBoolean(); }

    [Fact]
    public void Token_noise_replaces_exactly_its_fraction_deterministically()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 4000);
        using var clean = TextDataset.Load(file, TextPart.Train, new TextSettings(TokenizerKind.Bytes, 16, dir));
        using var a = TokenNoise.Apply(clean, 0.1);
        using var b = TokenNoise.Apply(clean, 0.1);
        Assert.True(Same(a.Inputs, b.Inputs) && Same(a.Labels, b.Labels), "not deterministic");
        Assert.Equal(clean.Inputs.shape, a.Inputs.shape);
        using var scope = NewDisposeScope();
        var before = cat(new[] { clean.Inputs, clean.Labels.narrow(1, 15, 1) }, 1);
        var after = cat(new[] { a.Inputs, a.Labels.narrow(1, 15, 1) }, 1);
        long total = before.numel();
        Assert.Equal((long)Math.Round(0.1 * total), before.ne(after).sum().ToInt64());
        // Inputs and targets are still each other's shift by one; tokens stay in the vocabulary.
        Assert.True(Same(a.Inputs.narrow(1, 1, 15), a.Labels.narrow(1, 0, 15)));
        Assert.InRange(a.Inputs.max().ToInt64(), 0, 255);
        Assert.Contains("token-noise 0.1", a.Description);
        using var more = TokenNoise.Apply(clean, 0.3);
        Assert.False(Same(more.Inputs, a.Inputs));
    }

    [Fact]
    public void The_spec_shifts_text_and_keeps_its_paths_mappable()
    {
        string dir = TextFiles.Folder();
        string file = TextFiles.Letters(dir, "letters.txt", 2000);
        TextDataset.Register(new TextSettings(TokenizerKind.Bytes, 8, dir));
        try
        {
            string spec = "shift:token-noise:0.25:text:" + file;
            Assert.True(DataSpec.HasTestSplit(spec));
            using var shifted = DataSpec.Load(spec, Split.Test);
            using var clean = DataSpec.Load("text:" + file, Split.Test);
            Assert.Equal(clean.Inputs.shape, shifted.Inputs.shape);
            Assert.False(Same(clean.Inputs, shifted.Inputs));
            Assert.Equal("shift:token-noise:0.25:text:letters.txt", DataSpec.RelativeTo(spec, dir));
        }
        finally { TextDataset.Register(TextSettings.Default); }
    }
}
