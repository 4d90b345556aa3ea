using Lla.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lla.Tests.Architecture;

/// <summary>
/// A switch over one of the project's enums lists every value: no catch-all arm (`_ =>`, `var x =>`, `default:`, `case var x:`),
/// so that a new value does not compile until every switch says what it does (CS8509 is an error; Directory.Build.props). A switch
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
        var found = model.Trees.Where(model.IsSource).SelectMany(tree => FallThroughs(tree, model.Compilation.GetSemanticModel(tree))).ToList();
        Assert.True(found.Count == 0, "switches over the project's enums with a catch-all arm or a value not listed:\n" + string.Join("\n", found));
    }

    /// <summary>The rule itself, on code it must refuse (a discard, a var arm, a default label, a statement missing a value) and code it must accept.</summary>
    [Fact]
    public void The_rule_finds_every_kind_of_catch_all_and_accepts_a_full_list()
    {
        const string code = """
            namespace Lla.Probe;
            public enum E { A, B }
            public static class S
            {
                public static int Discard(E e) => e switch { E.A => 1, _ => 2 };
                public static int Var(E e) => e switch { E.A => 1, var other => 2 };
                public static int Default(E e) { switch (e) { case E.A: return 1; default: return 2; } }
                public static void Missing(E e) { switch (e) { case E.A: break; } }
                public static int Full(E e) => e switch { E.A => 1, E.B => 2 };
                public static int Guarded(E e) => e switch { E.A => 1, var other when other == E.B => 2, E.B => 3 };
                public static void FullStatement(E e) { switch (e) { case E.A: break; case E.B: break; } }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(code, path: Path.Combine(Paths.Root, "probe.cs"));
        var compilation = CSharpCompilation.Create("probe", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var lines = FallThroughs(tree, compilation.GetSemanticModel(tree)).Select(f => int.Parse(f.Split(':')[1].Split(' ')[0])).ToArray();
        Assert.Equal(new[] { 5, 6, 7, 8 }, lines);
    }

    /// <summary>"file:line (Enum)" for every switch of <paramref name="tree"/> over a project enum with a catch-all arm or (a statement) a value not listed.</summary>
    internal static IEnumerable<string> FallThroughs(SyntaxTree tree, SemanticModel semantic)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            var (governing, catchAll) = node switch
            {
                SwitchExpressionSyntax e => (e.GoverningExpression, e.Arms.Any(a => a.WhenClause is null && IsCatchAll(a.Pattern))),
                SwitchStatementSyntax s => (s.Expression, s.Sections.SelectMany(x => x.Labels).Any(l =>
                    l is DefaultSwitchLabelSyntax || l is CasePatternSwitchLabelSyntax { WhenClause: null } p && IsCatchAll(p.Pattern))),
                _ => (null, false),
            };
            if (governing is null || semantic.GetTypeInfo(governing).Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } type || !IsProjects(type)) continue;
            string where = $"{Path.GetRelativePath(Paths.Root, tree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1} ({type.Name})";
            if (catchAll) yield return where;
            else if (node is SwitchStatementSyntax statement && Unlisted(statement, type, semantic) is { Count: > 0 } missing)
                yield return $"{where} does not list {string.Join(", ", missing)}";
        }
    }

    /// <summary>A pattern every value matches: `_`, `var x`, or a type pattern with a designation (`E x`).</summary>
    private static bool IsCatchAll(PatternSyntax pattern) => pattern is DiscardPatternSyntax or VarPatternSyntax or DeclarationPatternSyntax;

    private static List<string> Unlisted(SwitchStatementSyntax statement, INamedTypeSymbol type, SemanticModel semantic)
    {
        var listed = statement.Sections.SelectMany(x => x.Labels).OfType<CaseSwitchLabelSyntax>()
            .Select(l => semantic.GetSymbolInfo(l.Value).Symbol?.Name).OfType<string>().ToHashSet();
        return type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst && !listed.Contains(f.Name)).Select(f => f.Name).ToList();
    }

    private static bool IsProjects(INamedTypeSymbol type) =>
        type.ContainingNamespace.ToDisplayString() is var ns && (ns == "Lla" || ns.StartsWith("Lla.", StringComparison.Ordinal));
}
