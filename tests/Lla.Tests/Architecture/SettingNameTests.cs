using Lla.Tests.Support;
using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lla.Tests.Architecture;

/// <summary>
/// Every setting a library message names in braces (`{steps} must be even`) is one the command line has: `lla`
/// renders it as a flag (`--steps`), and a name no command has would send the user to a flag that does not exist.
/// </summary>
[Collection("console")]
public class SettingNameTests
{
    [Fact]
    public void Every_named_setting_in_a_message_is_a_flag_of_lla()
    {
        var flags = Flags();
        var unknown = new List<string>();
        foreach (var project in new[] { "Lla", "Lla.Onnx", "Lla.Vision", "Lla.Cli" })
        {
            var model = SourceModel.Of(project);
            foreach (var tree in model.Trees.Where(model.IsSource))
            {
                var semantic = model.Compilation.GetSemanticModel(tree);
                // SettingNames.Parse(text, "setting") names its setting in a message too.
                foreach (var call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (semantic.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "Parse", ContainingType.Name: "SettingNames" } || call.ArgumentList.Arguments.Count < 2) continue;
                    if (call.ArgumentList.Arguments[1].Expression is LiteralExpressionSyntax { Token.ValueText: var name } && !flags.Contains(name))
                        unknown.Add($"{Path.GetRelativePath(Paths.Root, tree.FilePath)}:{call.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {{{name}}}");
                }
                foreach (var creation in tree.GetRoot().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>())
                {
                    if (semantic.GetTypeInfo(creation).Type is not INamedTypeSymbol type || !IsLlaException(type) || creation.ArgumentList is null) continue;
                    foreach (var name in Settings(creation.ArgumentList).Where(n => !flags.Contains(n)))
                        unknown.Add($"{Path.GetRelativePath(Paths.Root, tree.FilePath)}:{creation.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {{{name}}}");
                }
            }
        }
        Assert.True(unknown.Count == 0, "settings named in messages that no command of lla has:\n" + string.Join("\n", unknown.Distinct()));
    }

    [Fact]
    public void Every_key_of_a_jobs_settings_is_a_flag_of_lla_in_snake_case()
    {
        // A difference between two runs is named by its key as a flag (SettingsDifference): a key no command has would
        // name a flag that does not exist. A study recipe's settings no flag sets say so ([RecipeOnly]).
        var flags = Flags();
        Assert.NotEmpty(Lla.Runs.JobNames.Types);
        var unknown = new List<string>();
        void Check(Type type, string where)
        {
            // A [JsonIgnore]d property is listed without a getter: it is never written.
            foreach (var property in Lla.Runs.ResultsSerializer.Options.GetTypeInfo(type).Properties.Where(p => p.Get is not null))
            {
                bool recipe = property.AttributeProvider?.IsDefined(typeof(Lla.Runs.RecipeOnlyAttribute), true) == true;
                // A list of records (a landscape's planes) is checked by its records' keys.
                var element = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? property.PropertyType.GetGenericArguments()[0] : null;
                if (element is not null && element.IsClass && element != typeof(string) && element.Namespace == "Lla.Landscapes") Check(element, $"{where}.{property.Name}");
                else if (property.Name != "unrecorded" && !recipe && !flags.Contains(property.Name.Replace('_', '-'))) unknown.Add($"{where}: {property.Name}");
            }
        }
        foreach (var (type, job) in Lla.Runs.JobNames.Types) Check(type, job);
        Assert.True(unknown.Count == 0, "settings keys that are no flag of lla:\n" + string.Join("\n", unknown));
    }

    /// <summary>Flags that change no result (where the run goes, how it talks, how it draws), or that a record holds in another form.</summary>
    private static readonly Dictionary<string, string> NotASetting = new()
    {
        ["out"] = "where", ["force"] = "where", ["resume"] = "where", ["save"] = "where (train's FILE)", ["threads"] = "speed", ["quiet"] = "talk", ["json"] = "talk",
        ["color-scale"] = "drawing", ["tensorboard"] = "where", ["help"] = "talk", ["h"] = "talk", ["?"] = "talk",
        ["num-plots"] = "in planes", ["all-modes"] = "in planes",
    };

    [Fact]
    public void Every_flag_of_a_job_is_a_key_of_its_settings_or_changes_no_result()
    {
        using var processes = Lla.Mpi.Processes.Start(Array.Empty<string>());
        var root = Lla.Cli.Program.BuildRoot(processes);
        var missing = new List<string>();
        int jobs = 0;
        foreach (var (type, job) in Lla.Runs.JobNames.Types)
        {
            var command = job.Split(' ').Aggregate((Command?)root, (c, name) => c?.Subcommands.FirstOrDefault(s => s.Name == name));
            if (command is null) continue; // a job no command runs alone (none today)
            jobs++;
            var keys = Keys(type).ToHashSet();
            foreach (var option in command.Options)
            {
                string flag = option.Name.TrimStart('-');
                if (!keys.Contains(flag.Replace('-', '_')) && !NotASetting.ContainsKey(flag)) missing.Add($"{job}: --{flag}");
            }
        }
        Assert.True(jobs >= 7, $"only {jobs} jobs have a command");
        Assert.True(missing.Count == 0, "flags that no settings record holds (add them, or say why they change no result):\n" + string.Join("\n", missing));
    }

    private static IEnumerable<string> Keys(Type type) => Lla.Runs.ResultsSerializer.Options.GetTypeInfo(type).Properties.Where(p => p.Get is not null).SelectMany(p =>
        p.PropertyType.IsGenericType && p.PropertyType.GetGenericArguments()[0] is { Namespace: "Lla.Landscapes", IsClass: true } element ? Keys(element) : new[] { p.Name });

    /// <summary>The names in braces of the template text (plain literals and the text of interpolated strings, where `{{x}}` reads `{x}`).</summary>
    internal static IEnumerable<string> Settings(SyntaxNode node) => node.DescendantTokens()
        .Where(t => t.IsKind(SyntaxKind.StringLiteralToken) || t.IsKind(SyntaxKind.InterpolatedStringTextToken))
        .SelectMany(t => Regex.Matches(t.ValueText, @"\{([a-z][a-z0-9-]*)\}").Select(m => m.Groups[1].Value));

    [Fact]
    public void Names_are_read_from_plain_and_interpolated_text_but_not_from_holes()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { object F(int steps) => new[] { \"{out} is a file\", $\"{{trace-iters}} must be {steps}\" }; }");
        Assert.Equal(new[] { "out", "trace-iters" }, Settings(tree.GetRoot()).ToArray());
    }

    private static bool IsLlaException(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.BaseType)
            if (type.ToDisplayString() == "Lla.LlaException") return true;
        return false;
    }

    private static HashSet<string> Flags()
    {
        using var processes = Lla.Mpi.Processes.Start(Array.Empty<string>());
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Walk(Command command)
        {
            foreach (var option in command.Options) foreach (var alias in option.Aliases.Append(option.Name)) names.Add(alias.TrimStart('-'));
            foreach (var argument in command.Arguments) names.Add(argument.Name.ToLowerInvariant());
            foreach (var sub in command.Subcommands) Walk(sub);
        }
        Walk(Lla.Cli.Program.BuildRoot(processes));
        return names;
    }
}
