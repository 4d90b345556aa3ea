using Lla.Data;
using Lla.Tests.Support;

namespace Lla.Tests.Data;

public class ShiftTests
{
    public ShiftTests() => TestTorch.Init();

    private static Dataset Sample()
    {
        using var test = IdxDataset.Load(Paths.EmbeddedData, Split.Test);
        var batch = test.Batches(64, 1, false, 0)[0];
        return new Dataset(batch.Inputs.clone(), batch.Targets.clone(), "64 test images", 10);
    }

    [Theory]
    [InlineData("noise")]
    [InlineData("blur")]
    [InlineData("rotation")]
    [InlineData("contrast")]
    [InlineData("brightness")]
    [InlineData("inversion")]
    [InlineData("pixelation")]
    [InlineData("occlusion")]
    public void Each_shift_is_deterministic_keeps_shapes_labels_and_range_and_grows_with_severity(string kind)
    {
        using var clean = Sample();
        double previous = 0;
        for (int severity = 1; severity <= 5; severity += 2)
        {
            using var a = Shifts.Apply(clean, kind, severity);
            using var b = Shifts.Apply(clean, kind, severity);
            Assert.True(a.Inputs.eq(b.Inputs).all().ToBoolean(), "not deterministic");
            Assert.Equal(clean.Inputs.shape, a.Inputs.shape);
            Assert.True(a.Labels.eq(clean.Labels).all().ToBoolean());
            Assert.InRange(a.Inputs.min().ToDouble(), 0, 1);
            Assert.InRange(a.Inputs.max().ToDouble(), 0, 1);
            double change = (a.Inputs - clean.Inputs).abs().mean().ToDouble();
            Assert.True(change > previous, $"{kind}: severity {severity} changes the images by {change}, not more than {previous}");
            previous = change;
        }
    }

    [Fact]
    public void Data_specs_with_shifts_and_their_errors()
    {
        using var shifted = DataSpec.Load($"shift:noise:3:idx:{Paths.EmbeddedData}", Split.Test);
        Assert.Equal(2000, shifted.Count);
        Assert.Contains("noise severity 3 (seed 1003)", shifted.Description);
        Assert.True(DataSpec.HasTestSplit($"shift:blur:1:idx:{Paths.EmbeddedData}"));
        Assert.Contains("unknown shift 'fog'", Assert.Throws<LlaException>(() => DataSpec.Load($"shift:fog:1:idx:{Paths.EmbeddedData}", Split.Test)).Message);
        Assert.Contains("severity must be 1 to 5", Assert.Throws<LlaException>(() => DataSpec.Load($"shift:noise:9:idx:{Paths.EmbeddedData}", Split.Test)).Message);
        Assert.Contains("must look like shift:KIND:SEVERITY:DATA", Assert.Throws<LlaException>(() => DataSpec.Load("shift:noise", Split.Test)).Message);
    }
}
