using Lla.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lla.Tests.Architecture;

/// <summary>
/// A switch over one of the project's enums lists every value: no `_ =>` arm and no `default:` label, so that a new
/// value does not compile until every switch says what it does (CS8509 is an error; Directory.Build.props). A switch
/// statement, which the compiler does not check, names every value in its case labels.
/// </summary>
public class ExhaustiveEnumSwitchTests
{
    public static TheoryData<string> Projects => new() { "Lla", "Lla.Reports", "Lla.Cli", "Lla.Onnx", "Lla.Vision", "Lla.Mpi" };

    [Theory]
    [MemberData(nameof(Projects))]
    public void No_switch_over_a_project_enum_falls_through(string project)
    {
        var model = SourceModel.Of(project);
        var found = new List<string>();
        foreach (var tree in model.Trees.Where(model.IsSource))
        {
            var semantic = model.Compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                var (governing, fallsThrough) = node switch
                {
                    SwitchExpressionSyntax e => (e.GoverningExpression, e.Arms.Any(a => a.Pattern is DiscardPatternSyntax && a.WhenClause is null)),
                    SwitchStatementSyntax s => (s.Expression, s.Sections.SelectMany(x => x.Labels).Any(l => l is DefaultSwitchLabelSyntax)),
                    _ => (null, false),
                };
                if (governing is null || semantic.GetTypeInfo(governing).Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } type || !IsProjects(type)) continue;
                string where = $"{Path.GetRelativePath(Paths.Root, tree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1} ({type.Name})";
                if (fallsThrough) found.Add(where);
                // A switch statement is not checked by the compiler: it names every value itself (a new value would do nothing).
                else if (node is SwitchStatementSyntax statement && Unlisted(statement, type, semantic) is { Count: > 0 } missing)
                    found.Add($"{where} does not list {string.Join(", ", missing)}");
            }
        }
        Assert.True(found.Count == 0, "switches over the project's enums with a fall-through arm:\n" + string.Join("\n", found));
    }

    /// <summary>The rule itself: a discard arm over a project enum is found, one that lists every value is not.</summary>
    [Fact]
    public void The_rule_finds_a_discard_arm()
    {
        const string code = "namespace Lla.Probe; public enum E { A, B } public static class S { " +
                            "public static int F(E e) => e switch { E.A => 1, _ => 2 }; public static int G(E e) => e switch { E.A => 1, E.B => 2 }; }";
        var tree = CSharpSyntaxTree.ParseText(code);
        var compilation = CSharpCompilation.Create("probe", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var semantic = compilation.GetSemanticModel(tree);
        var withDiscard = tree.GetRoot().DescendantNodes().OfType<SwitchExpressionSyntax>()
            .Where(e => e.Arms.Any(a => a.Pattern is DiscardPatternSyntax) && semantic.GetTypeInfo(e.GoverningExpression).Type is { TypeKind: TypeKind.Enum } t && IsProjects((INamedTypeSymbol)t))
            .ToList();
        Assert.Single(withDiscard);
    }

    private static List<string> Unlisted(SwitchStatementSyntax statement, INamedTypeSymbol type, SemanticModel semantic)
    {
        var listed = statement.Sections.SelectMany(x => x.Labels).OfType<CaseSwitchLabelSyntax>()
            .Select(l => semantic.GetSymbolInfo(l.Value).Symbol?.Name).OfType<string>().ToHashSet();
        return type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst && !listed.Contains(f.Name)).Select(f => f.Name).ToList();
    }

    private static bool IsProjects(INamedTypeSymbol type) =>
        type.ContainingNamespace.ToDisplayString() is var ns && (ns == "Lla" || ns.StartsWith("Lla.", StringComparison.Ordinal));
}
