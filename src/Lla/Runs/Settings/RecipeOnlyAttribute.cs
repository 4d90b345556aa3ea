namespace Lla.Runs;

/// <summary>
/// A setting no command-line flag sets (a study recipe's, e.g. a training's label noise): its key is not a flag, and a
/// difference in it is named in words (<see cref="SettingsDifference"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeOnlyAttribute : Attribute;
