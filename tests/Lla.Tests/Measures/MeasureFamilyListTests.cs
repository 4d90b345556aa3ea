using Lla.Measures;

namespace Lla.Tests.Measures;

/// <summary>`--only` as the library reads it (<see cref="MeasureFamilies.ParseList"/>), and `--labels` by its names.</summary>
public class MeasureFamilyListTests
{
    [Fact]
    public void A_list_names_its_families_in_its_order_and_none_is_every_family()
    {
        Assert.Equal(new[] { "spectra", "norms" }, MeasureFamilies.ParseList("spectra, Norms").Select(f => f.Name));
        Assert.Same(MeasureFamilies.All, MeasureFamilies.ParseList(null));
    }

    [Theory]
    [InlineData("--only: unknown family 'bogus'", "curvature,bogus")]
    [InlineData("--only: unknown family ''", "curvature,")]
    public void An_unknown_family_is_refused(string expected, string names) =>
        Assert.StartsWith(expected, Assert.Throws<LlaException>(() => MeasureFamilies.ParseList(names)).Render(s => "--" + s));

    [Fact]
    public void Labels_are_true_or_predicted()
    {
        Assert.Equal(MeasureLabels.Predicted, SettingNames.Parse<MeasureLabels>("predicted", "labels"));
        Assert.Equal(MeasureLabels.True, SettingNames.Parse<MeasureLabels>("true", "labels"));
        Assert.Equal("--labels must be true or predicted (got 'maybe')", Assert.Throws<LlaException>(() => SettingNames.Parse<MeasureLabels>("maybe", "labels")).Render(s => "--" + s));
    }
}
