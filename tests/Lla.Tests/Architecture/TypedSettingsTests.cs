using Lla.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lla.Tests.Architecture;

/// <summary>
/// A job's settings are typed records (Lla.Runs.JobSettings): the library's options, run, progress and plan files hold
/// no JSON bags (JsonObject, JsonNode), which would let a setting go unchecked, unnamed or compared as text.
/// </summary>
public class TypedSettingsTests
{
    private static readonly string[] Banned = { "JsonObject", "JsonNode", "JsonArray" };

    [Fact]
    public void No_json_bag_in_the_librarys_options_run_progress_and_plan_files()
    {
        var library = Path.Combine(Paths.Root, "src", "Lla");
        var files = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(Governed).ToList();
        Assert.True(files.Count >= 12, $"only {files.Count} files matched: the patterns no longer find the job files");
        var found = files.SelectMany(f => Uses(File.ReadAllText(f)).Select(u => $"{Path.GetRelativePath(Paths.Root, f)}: {u}")).ToList();
        Assert.True(found.Count == 0, "JSON bags in job files:\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_rule_sees_a_bag_in_code_but_not_in_comments_or_text()
    {
        Assert.Equal(new[] { "JsonObject" }, Uses("// JsonNode\nclass C { string s = \"JsonArray\"; System.Text.Json.Nodes.JsonObject? o; }"));
        Assert.True(Governed("/x/src/Lla/Landscapes/LandscapeRunOptions.cs") && Governed("/x/StudyRun.cs") && Governed("/x/TrainingProgress.cs") && Governed("/x/LandscapePlan.cs"));
        Assert.False(Governed("/x/StudyConfig.cs"));
    }

    private static bool Governed(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return name.Contains("Options", StringComparison.Ordinal) || name.EndsWith("Run", StringComparison.Ordinal)
            || name.EndsWith("Progress", StringComparison.Ordinal) || name.EndsWith("Plan", StringComparison.Ordinal);
    }

    private static IEnumerable<string> Uses(string source) => CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens()
        .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && Banned.Contains(t.ValueText)).Select(t => t.ValueText).Distinct();
}
