using Lla.Data;
using Lla.Objectives;

namespace Lla.Tests.Data;

/// <summary>The data selection as the command line names it (<see cref="DataSelection.Parse"/>): split and BatchNorm by name, batches as a count or all.</summary>
public class DataSelectionParseTests
{
    [Fact]
    public void The_names_and_the_batches_are_parsed()
    {
        Assert.Equal(new DataSelection(Split.Test, 256, 3, true, BatchNormMode.Eval), DataSelection.Parse("test", 256, "3", true, "eval"));
        Assert.Equal(new DataSelection(Split.Train, 2048, null, false, BatchNormMode.Train), DataSelection.Parse("train", 2048, "all", false, "train"));
    }

    [Theory]
    [InlineData("--batches must be a positive number or 'all' (got '0')", "train", "0", "train")]
    [InlineData("--batches must be a positive number or 'all' (got 'some')", "train", "some", "train")]
    [InlineData("--split must be", "holdout", "1", "train")]
    [InlineData("--bn must be", "train", "1", "running")]
    public void A_bad_value_is_refused_naming_its_setting(string expected, string split, string batches, string bn)
    {
        var e = Assert.Throws<LlaException>(() => DataSelection.Parse(split, 64, batches, false, bn));
        Assert.StartsWith(expected, e.Render(s => "--" + s));
    }
}
