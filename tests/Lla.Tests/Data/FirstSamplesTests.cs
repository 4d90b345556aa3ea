using Lla.Data;
using Lla.Tests.Support;

namespace Lla.Tests.Data;

/// <summary>first:N:SPEC cuts the training split to its first N samples and leaves the test split whole; through holdout: it keeps the validation share.</summary>
public class FirstSamplesTests
{
    [Fact]
    public void The_training_split_is_cut_and_the_test_split_kept()
    {
        TestTorch.Init();
        string spec = "idx:" + Paths.EmbeddedData;
        using var whole = DataSpec.Load(spec, Split.Train);
        using var first = DataSpec.Load(DataSpec.First(120, spec), Split.Train);
        using var test = DataSpec.Load(DataSpec.First(120, spec), Split.Test);
        using var wholeTest = DataSpec.Load(spec, Split.Test);
        Assert.Equal(120, first.Count);
        Assert.Equal(wholeTest.Count, test.Count);
        using var a = whole.Batches(120, 1, false, 0)[0];
        using var b = first.Batches(120, 1, false, 0)[0];
        Assert.True(a.Inputs.equal(b.Inputs).all().item<bool>());
        Assert.True(a.Targets.equal(b.Targets).all().item<bool>());
    }

    [Fact]
    public void Around_a_holdout_the_validation_share_is_the_test_split()
    {
        TestTorch.Init();
        string holdout = DataSpec.Holdout(0.1, "idx:" + Paths.EmbeddedData);
        using var validation = DataSpec.Load(DataSpec.First(500, holdout), Split.Test);
        using var held = DataSpec.Load(holdout, Split.Test);
        Assert.Equal(held.Count, validation.Count);
        Assert.False(DataSpec.HasValidationSplit(DataSpec.First(500, holdout)));
        Assert.True(DataSpec.HasTestSplit(DataSpec.First(500, holdout)));
        Assert.Equal("first:500:holdout:0.1:idx:/x", DataSpec.MapPaths(DataSpec.First(500, DataSpec.Holdout(0.1, "idx:y")), _ => "/x"));
    }

    [Theory]
    [InlineData("first:0:idx:DIR", "must look like first:COUNT:DATA")]
    [InlineData("first:abc:idx:DIR", "must look like first:COUNT:DATA")]
    [InlineData("first:99999999:EMBEDDED", "fewer than the 99999999 asked for")]
    public void Bad_counts_are_one_line(string spec, string expected)
    {
        TestTorch.Init();
        var e = Assert.Throws<LlaException>(() => DataSpec.Load(spec.Replace("EMBEDDED", "idx:" + Paths.EmbeddedData), Split.Train));
        Assert.Contains(expected, e.Message);
    }
}
