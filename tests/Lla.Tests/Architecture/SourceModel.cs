using Lla.Tests.Support;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lla.Tests.Architecture;

/// <summary>
/// A project's sources compiled by Roslyn with the assemblies the tests run on as references, so that the
/// architecture rules can ask what a name refers to. Compiled once per project and shared by the rules.
/// </summary>
public sealed class SourceModel
{
    private static readonly ConcurrentDictionary<string, Lazy<SourceModel>> Cache = new();

    public string ProjectFolder { get; }
    public CSharpCompilation Compilation { get; }
    public IReadOnlyList<SyntaxTree> Trees { get; }

    /// <summary>The sources of src/<paramref name="project"/> (e.g. "Lla"), compiled.</summary>
    public static SourceModel Of(string project) => Cache.GetOrAdd(project, p => new Lazy<SourceModel>(() => new SourceModel(p))).Value;

    private SourceModel(string project)
    {
        ProjectFolder = Path.Combine(Paths.Root, "src", project);
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var files = Directory.EnumerateFiles(ProjectFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .OrderBy(f => f, StringComparer.Ordinal);
        // Code that protoc generated at build time (Lla.Onnx's onnx.proto) is part of the project too.
        var generated = Directory.Exists(Path.Combine(ProjectFolder, "obj"))
            ? Directory.EnumerateFiles(Path.Combine(ProjectFolder, "obj"), "*.cs", SearchOption.AllDirectories)
                .Where(f => f.Contains($"{Path.DirectorySeparatorChar}Proto{Path.DirectorySeparatorChar}")).GroupBy(Path.GetFileName).Select(g => g.First())
            : Enumerable.Empty<string>();
        var trees = files.Concat(generated).Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToList();
        // The SDK's implicit usings (ImplicitUsings=enable), which the build adds as a generated file.
        trees.Add(CSharpSyntaxTree.ParseText(string.Join("\n", new[] { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" }
            .Concat(ProjectUsings(project)).Select(n => $"global using global::{n};")), parse, "ImplicitUsings.g.cs"));
        Trees = trees;
        string own = project + ".dll";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(f => !Path.GetFileName(f).Equals(own, StringComparison.OrdinalIgnoreCase))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First())
            .Select(f => MetadataReference.CreateFromFile(f));
        Compilation = CSharpCompilation.Create(project + ".Architecture", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
    }

    /// <summary>The namespaces the project file imports everywhere (<c>&lt;Using Include="Lla.Mpi" /&gt;</c>).</summary>
    private static IEnumerable<string> ProjectUsings(string project) =>
        System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(Paths.Root, "src", project, project + ".csproj")), @"<Using\s+Include=""([\w.]+)""")
            .Select(m => m.Groups[1].Value);

    /// <summary>
    /// The compiler's errors, but for the partial methods that source generators implement in the build (CS8795:
    /// [GeneratedRegex]): a rule reads names through the semantic model, and a name that does not resolve would be skipped.
    /// </summary>
    public IReadOnlyList<string> Errors() => Compilation.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795")
        .Select(d => d.ToString()).ToList();

    /// <summary>The folder of <paramref name="tree"/> relative to the project ("" for the project's root, else e.g. "Curvature").</summary>
    public string TopFolder(SyntaxTree tree)
    {
        string relative = Path.GetRelativePath(ProjectFolder, tree.FilePath);
        int slash = relative.IndexOf(Path.DirectorySeparatorChar);
        return slash < 0 ? "" : relative[..slash];
    }

    public bool IsSource(SyntaxTree tree) => tree.FilePath.StartsWith(ProjectFolder, StringComparison.Ordinal)
        && !tree.FilePath.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}");
}
