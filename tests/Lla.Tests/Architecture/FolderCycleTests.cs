using Lla.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lla.Tests.Architecture;

/// <summary>
/// The library's top-level folders depend one way (DESIGN.md): a type used in folder A and declared in folder B makes
/// an edge A → B, and no chain of edges may come back. The files at the project's root (LlaException, NumberText) are
/// a folder of their own, "(root)".
/// </summary>
public class FolderCycleTests
{
    [Theory]
    [InlineData("Lla")]
    [InlineData("Lla.Reports")]
    [InlineData("Lla.Cli")]
    public void The_folders_have_no_cycle(string project)
    {
        var edges = FolderEdges(SourceModel.Of(project));
        var cycles = StronglyConnected(edges).Where(c => c.Count > 1).ToList();
        string Explain(IReadOnlyList<string> cycle) => string.Join("\n", cycle.SelectMany(from => cycle.Where(to => to != from && edges[from].ContainsKey(to))
            .Select(to => $"  {from} → {to}: {edges[from][to]}")));
        Assert.True(cycles.Count == 0, $"folder cycles in src/{project}:\n" + string.Join("\n", cycles.Select(c => $"{{{string.Join(", ", c)}}}\n" + Explain(c))));
    }

    /// <summary>The library's folders from the bottom, as README.md's Layout lists them: each uses only folders before it.</summary>
    public static readonly string[] LibraryOrder =
    {
        "(root)", "Native", "Vectors", "Parallel", "Data", "Models", "Objectives", "Curvature", "Guard", "Runs",
        "Landscapes", "Measures", "Connectivity", "TensorBoard", "Analysis", "Training", "Studies",
    };

    [Fact]
    public void The_library_folders_use_only_the_folders_below_them()
    {
        var edges = FolderEdges(SourceModel.Of("Lla"));
        Assert.Equal(LibraryOrder.Order(StringComparer.Ordinal), edges.Keys.Order(StringComparer.Ordinal));
        var upward = edges.SelectMany(e => e.Value.Where(to => Array.IndexOf(LibraryOrder, to.Key) > Array.IndexOf(LibraryOrder, e.Key))
            .Select(to => $"  {e.Key} → {to.Key}: {to.Value}")).ToList();
        Assert.True(upward.Count == 0, "folders using a folder above them in the documented order:\n" + string.Join("\n", upward));
    }

    /// <summary>The rule itself: a cycle of three is found, a chain is not.</summary>
    [Fact]
    public void Cycles_are_found_and_chains_are_not()
    {
        static Dictionary<string, Dictionary<string, string>> Graph(params (string, string)[] pairs)
        {
            var g = new Dictionary<string, Dictionary<string, string>>();
            foreach (var (a, b) in pairs)
            {
                g.TryAdd(a, new()); g.TryAdd(b, new());
                g[a][b] = "";
            }
            return g;
        }
        Assert.Contains(StronglyConnected(Graph(("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"))), c => c.Count == 3);
        Assert.All(StronglyConnected(Graph(("A", "B"), ("B", "C"), ("A", "C"))), c => Assert.Single(c));
    }

    /// <summary>Folder → folder → the first use found (file:line and the type), over every name in the sources.</summary>
    private static Dictionary<string, Dictionary<string, string>> FolderEdges(SourceModel model)
    {
        var folderOf = model.Trees.Where(model.IsSource).ToDictionary(t => t, t => model.TopFolder(t) is "" ? "(root)" : model.TopFolder(t));
        var edges = folderOf.Values.Distinct().ToDictionary(f => f, _ => new Dictionary<string, string>());
        foreach (var tree in folderOf.Keys)
        {
            var semantic = model.Compilation.GetSemanticModel(tree);
            string from = folderOf[tree];
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var symbol = semantic.GetSymbolInfo(name).Symbol ?? semantic.GetSymbolInfo(name).CandidateSymbols.FirstOrDefault();
                var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                while (type?.ContainingType is { } outer) type = outer;
                var declaration = type?.DeclaringSyntaxReferences.FirstOrDefault()?.SyntaxTree;
                if (declaration is null || !folderOf.TryGetValue(declaration, out var to) || to == from) continue;
                edges[from].TryAdd(to, $"{Path.GetRelativePath(Paths.Root, tree.FilePath)}:{name.GetLocation().GetLineSpan().StartLinePosition.Line + 1} uses {type!.Name}");
            }
        }
        return edges;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, Dictionary<string, string>> edges)
    {
        var (index, low, onStack, stack, result) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new HashSet<string>(), new Stack<string>(), new List<List<string>>());
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges[v].Keys)
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            component.Sort(StringComparer.Ordinal);
            result.Add(component);
        }
        foreach (var v in edges.Keys.OrderBy(k => k, StringComparer.Ordinal)) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }
}
