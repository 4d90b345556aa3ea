using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// A detached copy of a model's state dict (parameters and buffers, by name, in the model's order) that paths
/// are built from. Parameter names are known so that curve training and weight matching can tell weights from
/// BatchNorm running statistics. Owns its tensors.
/// </summary>
public sealed class ModelState : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    /// <summary>Entry names in the model's state-dict order.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>The names that are trainable parameters (the rest are buffers).</summary>
    public IReadOnlySet<string> ParameterNames { get; }

    /// <summary>Takes ownership of <paramref name="tensors"/> (which must be detached).</summary>
    public ModelState(IReadOnlyList<(string Name, Tensor Value)> tensors, IEnumerable<string> parameterNames)
    {
        _tensors = new Dictionary<string, Tensor>();
        foreach (var (name, value) in tensors) _tensors.Add(name, value);
        Names = tensors.Select(t => t.Name).ToArray();
        ParameterNames = parameterNames.ToHashSet();
        var unknown = ParameterNames.Where(p => !_tensors.ContainsKey(p)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"parameter names not in the state: {string.Join(", ", unknown)}");
    }

    /// <summary>A copy of the model's current parameters and buffers.</summary>
    public static ModelState Of(nn.Module model)
    {
        using var _ = no_grad();
        var entries = model.state_dict().Select(e => (e.Key, e.Value.detach().clone().DetachFromDisposeScope())).ToList();
        return new ModelState(entries, model.named_parameters().Select(p => p.name));
    }

    public Tensor this[string name] => _tensors.TryGetValue(name, out var t)
        ? t : throw new LlaException($"the model state has no entry '{name}'");

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public IEnumerable<(string Name, Tensor Value)> Entries => Names.Select(n => (n, _tensors[n]));

    /// <summary>
    /// Throws <see cref="LlaException"/> unless <paramref name="other"/> has the same entry names and shapes (same
    /// architecture); the message names the first mismatches.
    /// </summary>
    public void RequireSameArchitecture(ModelState other, string thisLabel = "model A", string otherLabel = "model B")
    {
        var missing = Names.Where(n => !other.Contains(n)).ToList();
        var extra = other.Names.Where(n => !Contains(n)).ToList();
        var shapes = Names.Where(n => other.Contains(n) && !this[n].shape.SequenceEqual(other[n].shape))
            .Select(n => $"{n} [{string.Join(",", this[n].shape)}] vs [{string.Join(",", other[n].shape)}]").ToList();
        var types = Names.Where(n => other.Contains(n) && this[n].shape.SequenceEqual(other[n].shape) && this[n].dtype != other[n].dtype)
            .Select(n => $"{n} {this[n].dtype} vs {other[n].dtype}").ToList();
        if (missing.Count + extra.Count + shapes.Count + types.Count == 0) return;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing in {otherLabel}: {Summarize(missing)}");
        if (extra.Count > 0) parts.Add($"not in {thisLabel}: {Summarize(extra)}");
        if (shapes.Count > 0) parts.Add($"shapes differ: {Summarize(shapes)}");
        if (types.Count > 0) parts.Add($"element types differ: {Summarize(types)}");
        throw new LlaException($"{otherLabel} does not have the architecture of {thisLabel} ({string.Join("; ", parts)})");
    }

    /// <summary>Copies every entry into the model's parameters and buffers of the same names (in place: parameters keep requiring gradients).</summary>
    public void LoadInto(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var (name, target) in model.state_dict())
        {
            if (!_tensors.TryGetValue(name, out var source))
                throw new LlaException($"the model has an entry '{name}' that the state lacks: not the same architecture");
            if (!source.shape.SequenceEqual(target.shape))
                throw new LlaException($"{name} has shape [{string.Join(",", source.shape)}] in the state but [{string.Join(",", target.shape)}] in the model");
            target.copy_(source);
        }
    }

    /// <summary>A new state with every entry mapped by <paramref name="map"/> (name, value) → new detached tensor.</summary>
    public ModelState Select(Func<string, Tensor, Tensor> map)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return new ModelState(Names.Select(n => (n, map(n, _tensors[n]).DetachFromDisposeScope())).ToList(), ParameterNames);
    }

    /// <summary>
    /// Entry-wise combination with another state of the same architecture; integer entries (BatchNorm's
    /// num_batches_tracked) are copied from this state.
    /// </summary>
    public ModelState Combine(ModelState other, Func<Tensor, Tensor, Tensor> floating)
    {
        RequireSameArchitecture(other);
        return Select((n, a) => is_floating_point(a) ? floating(a, other[n]) : a.clone());
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }

    private static string Summarize(IReadOnlyList<string> items) =>
        items.Count <= 4 ? string.Join(", ", items) : string.Join(", ", items.Take(4)) + $" and {items.Count - 4} more";
}
