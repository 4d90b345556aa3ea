using System.Reflection;

namespace Lla.Measures;

/// <summary>
/// The registry of measure families: every <see cref="MeasureFamily"/> subclass of this assembly (found by
/// reflection, so a new family is its file and nothing else in the code), and those a caller adds for a
/// region of its own code with <see cref="Use"/> (a plug-in, a test's family), in <see cref="MeasureFamily.Order"/>.
/// `lla measure`, `lla analyze`'s cheap set, studies, the command line's --only and the meanings stored
/// with results all read it.
/// </summary>
public static class MeasureFamilies
{
    private static readonly Lazy<IReadOnlyList<MeasureFamily>> BuiltIn = new(() => Discover(typeof(MeasureFamily).Assembly));
    private static readonly AsyncLocal<IReadOnlyList<MeasureFamily>?> Added = new();

    /// <summary>Every family, in order: the built-in ones and those added in this region.</summary>
    public static IReadOnlyList<MeasureFamily> All =>
        Added.Value is { } added ? BuiltIn.Value.Concat(added).OrderBy(f => f.Order).ThenBy(f => f.Name, StringComparer.Ordinal).ToArray() : BuiltIn.Value;

    /// <summary>The families `lla analyze` adds by default: cheap, forward passes only.</summary>
    public static IReadOnlyList<MeasureFamily> Cheap => All.Where(f => f.Cheap).ToArray();

    /// <summary>The family named <paramref name="name"/> (any case), or null.</summary>
    public static MeasureFamily? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The family named <paramref name="name"/>; a name no family has is a programming error.</summary>
    public static MeasureFamily Named(string name) => Find(name) ?? throw new InvalidOperationException($"no measure family '{name}'");

    /// <summary>A family the user named (`--only`): unknown names are refused, listing the known ones.</summary>
    public static MeasureFamily Parse(string name) =>
        Find(name) ?? throw new LlaException($"{{only}}: unknown family '{name}' (known: {string.Join(", ", All.Select(f => f.Name))})");

    /// <summary>The families a comma-separated list names (`--only`), each as <see cref="Parse"/> reads it; null: every family.</summary>
    public static IReadOnlyList<MeasureFamily> ParseList(string? names) =>
        names is null ? All : names.Split(',', StringSplitOptions.TrimEntries).Select(Parse).ToArray();

    /// <summary>The family and declaration of the measure <paramref name="name"/>, or null when no family declares it.</summary>
    public static (MeasureFamily Family, MeasureInfo Measure)? OfMeasure(string name)
    {
        foreach (var family in All)
            foreach (var m in family.Measures)
                if (m.Name == name) return (family, m);
        return null;
    }

    /// <summary>What the measure <paramref name="name"/> means, in one line (stored with the results, so pages and tables only show it); "" for an unknown name.</summary>
    public static string Meaning(string name) => OfMeasure(name)?.Measure.Meaning ?? "";

    /// <summary>
    /// Adds <paramref name="families"/> to the registry for the calling code (this thread and the tasks it
    /// starts) until the returned scope is disposed; other code never sees them. Names must be new.
    /// </summary>
    public static IDisposable Use(params MeasureFamily[] families)
    {
        foreach (var f in families)
            if (Find(f.Name) is not null) throw new InvalidOperationException($"a measure family '{f.Name}' exists already");
        Check(All.Concat(families).ToArray());
        var before = Added.Value;
        Added.Value = (before ?? Array.Empty<MeasureFamily>()).Concat(families).ToArray();
        return new Scope(() => Added.Value = before);
    }

    private static IReadOnlyList<MeasureFamily> Discover(Assembly assembly)
    {
        var families = assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(MeasureFamily)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (MeasureFamily)Activator.CreateInstance(t)!)
            .OrderBy(f => f.Order).ThenBy(f => f.Name, StringComparer.Ordinal).ToArray();
        Check(families);
        var twice = families.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidOperationException($"two measure families are named '{twice.Key}'");
        return families;
    }

    /// <summary>Names are lower case; no measure is declared by two families.</summary>
    private static void Check(IReadOnlyList<MeasureFamily> families)
    {
        foreach (var f in families)
        {
            if (f.Name.Length == 0 || f.Name != f.Name.ToLowerInvariant() || f.Name.Contains(','))
                throw new InvalidOperationException($"a measure family's name is lower case without commas: '{f.Name}'");
            foreach (var m in f.Measures)
                if (m.Direction is not (1 or -1)) throw new InvalidOperationException($"measure '{m.Name}' has direction {m.Direction}: +1 or −1");
        }
        var twice = families.SelectMany(f => f.Measures.Select(m => m.Name)).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidOperationException($"measure '{twice.Key}' is declared twice");
    }

    private sealed class Scope(Action end) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            end();
        }
    }
}
