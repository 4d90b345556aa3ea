using Lla.Analysis;
using Lla.Landscapes;
using Lla.Runs;
using Lla.Training;

namespace Lla.Tests.Runs;

/// <summary>Two runs' typed settings are compared in the record's order and the first difference is named by its flag.</summary>
public class SettingsDifferenceTests
{
    private static readonly PlaneSpec Random = new(AxesKind.Random, NormKind.Filter, 2, UpdateRule.Add, 42);

    [Fact]
    public void The_first_differing_setting_is_named_by_its_flag_with_both_values()
    {
        var before = new HessianSettings { Model = "lenet", Data = "idx:d", TopK = 2, LanczosSteps = 80, KhPower = 0.5 };
        Assert.Null(SettingsDifference.Between(before with { }, before));
        var difference = SettingsDifference.Between(before with { LanczosSteps = 100, KhPower = 1 }, before)!;
        Assert.Equal(("{lanczos-steps}", "100", "80"), (difference.Named, difference.Now, difference.Before));
        // A setting left unset on one side is a difference too: null is "not given".
        difference = SettingsDifference.Between(before with { Params = "conv*" }, before)!;
        Assert.Equal(("{params}", "'conv*'", "not given"), (difference.Named, difference.Now, difference.Before));
    }

    [Fact]
    public void A_planes_setting_is_named_with_its_plane_and_a_recipes_in_words()
    {
        var before = new LandscapeSettings { Planes = new[] { Random, Random with { Seed = 43 } } };
        var difference = SettingsDifference.Between(before with { Planes = new[] { Random, Random with { Seed = 43, Norm = NormKind.Layer } } }, before)!;
        Assert.Equal(("{norm} of plane 2", "'layer'", "'filter'"), (difference.Named, difference.Now, difference.Before));
        Assert.Equal("{planes}", SettingsDifference.Between(before with { Planes = new[] { Random } }, before)!.Named);
        var trained = new TrainSettings { Epochs = 3 };
        Assert.Equal("the recipe's label noise", SettingsDifference.Between(trained with { LabelNoise = 0.2 }, trained)!.Named);
    }

    [Fact]
    public void What_an_older_version_did_not_record_is_not_compared()
    {
        var old = new LandscapeSettings { Steps = 6, Unrecorded = new[] { "planes", "diagonal" } };
        Assert.Null(SettingsDifference.Between(new LandscapeSettings { Steps = 6, Planes = new[] { Random } }, old));
        Assert.Equal("{steps}", SettingsDifference.Between(new LandscapeSettings { Steps = 8, Planes = new[] { Random } }, old)!.Named);
    }
}
