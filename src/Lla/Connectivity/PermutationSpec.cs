using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// One axis of one state entry that a permutation acts on. With <paramref name="Group"/> g &gt; 1 the axis has
/// Size·g entries and unit i owns the consecutive block [i·g, (i + 1)·g) — a flattened convolution output feeding a
/// fully connected layer, where each channel owns its g spatial positions.
/// </summary>
public sealed record PermutedAxis(string Entry, int Axis, int Group = 1);

/// <summary>One permutation of hidden units (a layer's units, or a residual stream's channels) and every axis it moves.</summary>
public sealed record PermutationGroup(string Name, int Size, IReadOnlyList<PermutedAxis> Axes);

/// <summary>
/// Which axes of which state entries each hidden-unit permutation acts on, for one architecture. Applying
/// permutations π_g moves unit π_g[i] of the input to position i on every axis of group g
/// (out[…, i, …] = in[…, π_g[i], …]); when the groups are the hidden units of a network, the permuted state
/// computes exactly the same function. Entries not named (the first layer's inputs, the last layer's
/// outputs, num_batches_tracked) are left as they are.
/// </summary>
public sealed class PermutationSpec
{
    public string Architecture { get; }
    public IReadOnlyList<PermutationGroup> Groups { get; }

    public PermutationSpec(string architecture, IReadOnlyList<PermutationGroup> groups)
    {
        Architecture = architecture;
        Groups = groups;
        var names = groups.Select(g => g.Name).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"permutation '{duplicate.Key}' is defined twice");
        var axes = groups.SelectMany(g => g.Axes.Select(a => (a.Entry, a.Axis))).ToList();
        var claimed = axes.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        if (claimed is not null) throw new ArgumentException($"axis {claimed.Key.Axis} of {claimed.Key.Entry} belongs to two permutations");
    }

    /// <summary>Throws <see cref="LlaException"/> unless every named entry exists with an axis of the right length.</summary>
    public void Validate(ModelState state)
    {
        foreach (var g in Groups)
            foreach (var a in g.Axes)
            {
                if (!state.Contains(a.Entry))
                    throw new LlaException($"the {Architecture} permutation spec names '{a.Entry}', which the model does not have");
                var shape = state[a.Entry].shape;
                if (a.Axis >= shape.Length || shape[a.Axis] != (long)g.Size * a.Group)
                    throw new LlaException($"the {Architecture} permutation spec expects axis {a.Axis} of {a.Entry} to have {(long)g.Size * a.Group} entries, the model has shape [{string.Join(",", shape)}]");
            }
    }

    /// <summary>The identity permutation of every group.</summary>
    public Dictionary<string, int[]> Identity() => Groups.ToDictionary(g => g.Name, g => Enumerable.Range(0, g.Size).ToArray());

    /// <summary>Uniformly random permutations of every group (Fisher–Yates, seeded).</summary>
    public Dictionary<string, int[]> Random(long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var result = new Dictionary<string, int[]>();
        foreach (var g in Groups)
        {
            var p = Enumerable.Range(0, g.Size).ToArray();
            for (int i = p.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (p[i], p[j]) = (p[j], p[i]);
            }
            result[g.Name] = p;
        }
        return result;
    }

    /// <summary>The inverse of each permutation: inverse[π[i]] = i.</summary>
    public static Dictionary<string, int[]> Inverse(IReadOnlyDictionary<string, int[]> permutations) =>
        permutations.ToDictionary(kv => kv.Key, kv =>
        {
            var inverse = new int[kv.Value.Length];
            for (int i = 0; i < inverse.Length; i++) inverse[kv.Value[i]] = i;
            return inverse;
        });

    /// <summary>A new state with every group's permutation applied to its axes (all entries, parameters and buffers).</summary>
    public ModelState Apply(ModelState state, IReadOnlyDictionary<string, int[]> permutations)
    {
        Validate(state);
        var byEntry = AxesByEntry();
        return state.Select((name, value) => byEntry.TryGetValue(name, out var axes)
            ? Permute(value, axes.Select(x => (x.Axis, x.Group, Check(x.Name, permutations))))
            : value.clone());
    }

    /// <summary>For each entry, the (group, axis) pairs that act on it.</summary>
    internal Dictionary<string, List<(string Name, int Axis, int Group)>> AxesByEntry()
    {
        var byEntry = new Dictionary<string, List<(string, int, int)>>();
        foreach (var g in Groups)
            foreach (var a in g.Axes)
            {
                if (!byEntry.TryGetValue(a.Entry, out var list)) byEntry[a.Entry] = list = new();
                list.Add((g.Name, a.Axis, a.Group));
            }
        return byEntry;
    }

    /// <summary>out[…, i, …] = value[…, π[i], …] along each axis, blocks of g consecutive entries moving together.</summary>
    internal static Tensor Permute(Tensor value, IEnumerable<(int Axis, int Group, int[] Permutation)> axes)
    {
        var result = value;
        foreach (var (axis, group, permutation) in axes)
        {
            var index = new long[permutation.Length * group];
            for (int i = 0; i < permutation.Length; i++)
                for (int k = 0; k < group; k++) index[i * group + k] = (long)permutation[i] * group + k;
            using var indexTensor = tensor(index, device: value.device);
            result = result.index_select(axis, indexTensor);
        }
        return ReferenceEquals(result, value) ? value.clone() : result;
    }

    private int[] Check(string name, IReadOnlyDictionary<string, int[]> permutations)
    {
        if (!permutations.TryGetValue(name, out var p)) throw new LlaException($"no permutation given for '{name}' ({Architecture})");
        int size = Groups.First(g => g.Name == name).Size;
        if (p.Length != size || p.Distinct().Count() != size || p.Any(x => x < 0 || x >= size))
            throw new LlaException($"the permutation for '{name}' ({Architecture}) is not a permutation of 0..{size - 1}");
        return p;
    }
}
