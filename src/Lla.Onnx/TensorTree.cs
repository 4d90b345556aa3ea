using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>A module that only holds tensors: one level of an ONNX model's dotted tensor names.</summary>
internal sealed class TensorGroup : nn.Module
{
    public TensorGroup(string name) : base(name) { }
}

/// <summary>
/// Registers an ONNX graph's named tensors in a tree of modules that mirrors their dotted names, as
/// PyTorch's modules would: initializer <c>conv1.weight</c> becomes parameter <c>weight</c> of
/// submodule <c>conv1</c>, whose full name is again <c>conv1.weight</c>, and <c>named_modules()</c>
/// shows the layers (TorchSharp refuses '.' and "" in module names, not in parameter names). A name
/// that cannot be nested (an empty segment as in <c>.x</c>, or <c>a.b</c> when <c>a</c> is itself a
/// tensor) is registered unchanged on the root module; only a name already taken there gets its dots
/// replaced by '_' and a numeric suffix. <see cref="OnnxNames"/> maps every registered full name to
/// the ONNX name; they differ only in that last case and for BatchNorm modules (see <see cref="AddBatchNorm"/>).
/// </summary>
internal sealed class TensorTree
{
    private readonly nn.Module _root;
    private readonly Dictionary<string, nn.Module> _groups = new();
    private readonly HashSet<string> _taken = new();
    private readonly Dictionary<string, string> _onnxNames = new();

    public TensorTree(nn.Module root) => _root = root;

    public IReadOnlyDictionary<string, string> OnnxNames => _onnxNames;

    public void AddParameter(string onnxName, Tensor value) =>
        Add(onnxName, (module, leaf) => module.register_parameter(leaf, new Parameter(value, requires_grad: true)));

    public void AddBuffer(string onnxName, Tensor value) =>
        Add(onnxName, (module, leaf) => module.register_buffer(leaf, value));

    /// <summary>
    /// Places a BatchNorm module holding one BatchNormalization node's mean and variance, and its
    /// scale and bias unless those are null (shared with other nodes, so registered as plain
    /// parameters). When the ONNX names are P.running_mean, P.running_var (and P.weight, P.bias),
    /// as PyTorch exports them, the module goes at P and keeps their names; otherwise at
    /// <c>batchnorm_K</c> with TorchSharp's names, the ONNX names kept in <see cref="OnnxNames"/>.
    /// </summary>
    public void AddBatchNorm(BatchNorm2d layer, string? scale, string? bias, string mean, string variance, int index)
    {
        string? prefix = CommonPrefix(scale, bias, mean, variance);
        string[] path = prefix is not null ? Segments(prefix) : new[] { $"batchnorm_{index}" };
        string full = string.Join('.', path);
        if (!CanPlaceModule(path) || _groups.ContainsKey(full)) path = new[] { Unique(full.Replace('.', '_')) };
        full = string.Join('.', path);
        var parent = Parent(path);
        parent.register_module(path[^1], layer);
        _groups[full] = layer;
        MarkTaken(full);
        foreach (var (leaf, onnx) in new[] { ("weight", scale), ("bias", bias), ("running_mean", mean), ("running_var", variance) })
        {
            if (onnx is null) continue;
            _onnxNames[$"{full}.{leaf}"] = onnx;
            MarkTaken($"{full}.{leaf}");
        }
        MarkTaken($"{full}.num_batches_tracked");
    }

    private static string? CommonPrefix(string? scale, string? bias, string mean, string variance)
    {
        if (!mean.EndsWith(".running_mean")) return null;
        string prefix = mean[..^".running_mean".Length];
        bool named = prefix.Length > 0 && variance == prefix + ".running_var"
            && (scale is null || scale == prefix + ".weight") && (bias is null || bias == prefix + ".bias");
        return named ? prefix : null;
    }

    private void Add(string onnxName, Action<nn.Module, string> register)
    {
        string[] path = onnxName.Split('.');
        bool nested = path.All(segment => segment.Length > 0) && !_taken.Contains(onnxName) && !_groups.ContainsKey(onnxName)
            && CanPlaceModule(path[..^1]);
        if (!nested)
        {
            // TorchSharp accepts any parameter or buffer name (dots and all) directly on a module.
            string flat = _taken.Contains(onnxName) || _groups.ContainsKey(onnxName) ? Unique(onnxName.Replace('.', '_')) : onnxName;
            register(_root, flat);
            MarkTaken(flat);
            _onnxNames[flat] = onnxName;
            return;
        }
        register(Parent(path), path[^1]);
        MarkTaken(onnxName);
        _onnxNames[onnxName] = onnxName;
    }

    private static string[] Segments(string name) =>
        name.Split('.').Select(s => s.Length == 0 ? "_" : s).ToArray();

    /// <summary>Whether every prefix of <paramref name="path"/> is free or already a group.</summary>
    private bool CanPlaceModule(string[] path)
    {
        for (int i = 1; i <= path.Length; i++)
        {
            string prefix = string.Join('.', path[..i]);
            if (_taken.Contains(prefix)) return false;
            if (_groups.TryGetValue(prefix, out var g) && g is not TensorGroup) return false;
        }
        return true;
    }

    private nn.Module Parent(string[] path)
    {
        nn.Module current = _root;
        for (int i = 0; i < path.Length - 1; i++)
        {
            string prefix = string.Join('.', path[..(i + 1)]);
            if (!_groups.TryGetValue(prefix, out var child))
            {
                child = new TensorGroup(path[i]);
                current.register_module(path[i], child);
                _groups[prefix] = child;
            }
            current = child;
        }
        return current;
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int k = 2; _taken.Contains(candidate) || _groups.ContainsKey(candidate); k++) candidate = $"{name}_{k}";
        return candidate;
    }

    private void MarkTaken(string full) => _taken.Add(full);
}
