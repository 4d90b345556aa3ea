using System.Text.Json.Serialization;

namespace Lla.Runs;

/// <summary>
/// The settings of one job that decide its results, typed: results.json's <c>options</c> (and plan.json's, a
/// training's FILE.json, score.json). Each job has one sealed record deriving from this one and marked with
/// <see cref="JobNameAttribute"/>; results files name it in the <c>job</c> key. Every key of a setting is its
/// command-line flag in snake case (<c>batch_size</c> is <c>--batch-size</c>), so that a difference between two runs
/// is named by its flag (<see cref="SettingsDifference"/>). Written and read by <c>ResultsSerializer</c> alone.
/// </summary>
public abstract record JobSettings
{
    /// <summary>
    /// The settings (by key) an older version did not record, so that they hold their defaults here without having been
    /// asked: never compared (<see cref="SettingsDifference"/>). Null for settings written by this version.
    /// </summary>
    [JsonPropertyOrder(100), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Unrecorded { get; init; }
}

/// <summary>The name a <see cref="JobSettings"/> record has in results files' <c>options.job</c> (usually its command).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JobNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
