using Lla.Studies;

namespace Lla.Tests.Studies;

/// <summary>The study asked for (<see cref="StudyPresets"/>): a config file or a built-in preset, exactly one; the presets load.</summary>
public class StudyPresetsTests
{
    [Theory]
    [InlineData("give either --config FILE or --preset quick|paper|zoo|pgdl", null, null)]
    [InlineData("give either --config FILE or --preset quick|paper|zoo|pgdl", "study.json", "quick")]
    [InlineData("unknown preset 'huge' (known: quick, paper, zoo, pgdl)", null, "huge")]
    public void Neither_both_or_an_unknown_preset_is_refused(string expected, string? config, string? preset) =>
        Assert.Equal(expected, Assert.Throws<LlaException>(() => StudyPresets.Load(config, preset)).Render(s => "--" + s));

    [Fact]
    public void Every_preset_loads_from_the_presets_folder()
    {
        foreach (var name in StudyPresets.Names) Assert.Equal(name, StudyPresets.Load(null, name).Name);
    }
}
