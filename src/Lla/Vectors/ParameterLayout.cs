namespace Lla.Vectors;

/// <summary>Names, shapes and offsets of parameter tensors laid end to end in one flat vector.</summary>
public sealed class ParameterLayout
{
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<long[]> Shapes { get; }
    public IReadOnlyList<long> Offsets { get; }
    public IReadOnlyList<long> Sizes { get; }
    public long Dimension { get; }

    public ParameterLayout(IReadOnlyList<string> names, IReadOnlyList<long[]> shapes)
    {
        if (names.Count != shapes.Count) throw new ArgumentException("names and shapes differ in count");
        Names = names;
        Shapes = shapes;
        var offsets = new long[names.Count];
        var sizes = new long[names.Count];
        long at = 0;
        for (int i = 0; i < names.Count; i++)
        {
            offsets[i] = at;
            sizes[i] = shapes[i].Aggregate(1L, (a, b) => a * b);
            at += sizes[i];
        }
        Offsets = offsets;
        Sizes = sizes;
        Dimension = at;
    }

    public int Count => Names.Count;

    /// <summary>A flat vector cut into its parameters, as tensor-file entries "{prefix}.{name}" (copies, shaped like each parameter).</summary>
    public IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> Entries(TorchSharp.torch.Tensor flat, string prefix)
    {
        for (int p = 0; p < Count; p++)
            yield return new($"{prefix}.{Names[p]}", flat.narrow(0, Offsets[p], Sizes[p]).reshape(Shapes[p]).clone());
    }

    public bool SameAs(ParameterLayout other) =>
        Names.SequenceEqual(other.Names) &&
        Shapes.Zip(other.Shapes).All(p => p.First.SequenceEqual(p.Second));
}
