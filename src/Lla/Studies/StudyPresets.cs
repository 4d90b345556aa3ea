namespace Lla.Studies;

/// <summary>The built-in studies (`lla study --preset NAME`): config files shipped in the program's presets folder.</summary>
public static class StudyPresets
{
    public static readonly string[] Names = { "quick", "paper", "zoo", "pgdl" };

    /// <summary>Where the presets' config files are: presets/ beside the program.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "presets");

    /// <summary>The study asked for: a config file or a preset by name, exactly one of them.</summary>
    public static StudyConfig Load(string? configPath, string? presetName)
    {
        if ((configPath is null) == (presetName is null)) throw new LlaException("give either {config} FILE or {preset} quick|paper|zoo|pgdl");
        if (presetName is not null && !Names.Contains(presetName)) throw new LlaException($"unknown preset '{presetName}' (known: {string.Join(", ", Names)})");
        return StudyConfig.Load(configPath ?? Path.Combine(Folder, presetName + ".json"));
    }
}
