namespace Lla.Tests.Architecture;

/// <summary>The architecture rules read the sources through Roslyn: they compile there without errors, so that no name a rule looks up is silently unresolved.</summary>
public class SourceModelTests
{
    [Theory]
    [MemberData(nameof(ExhaustiveEnumSwitchTests.Projects), MemberType = typeof(ExhaustiveEnumSwitchTests))]
    public void The_sources_compile_for_the_rules(string project)
    {
        var errors = SourceModel.Of(project).Errors();
        Assert.True(errors.Count == 0, $"{project} does not compile for the architecture rules:\n" + string.Join("\n", errors.Take(20)));
    }
}
