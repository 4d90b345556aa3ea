using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>
/// An ONNX graph as a TorchSharp module: <see cref="forward"/> takes its one free input (the data; other
/// inputs may be bound to constants at load) and returns its first output, <see cref="Run"/> takes every
/// input by name and returns every output by name. Float
/// initializers are trainable parameters named as in the ONNX file (see <see cref="OnnxNames"/>);
/// BatchNormalization statistics, integer initializers and Constant nodes are buffers. The forward
/// pass runs the nodes in topological order with TorchSharp operations, so autograd (including
/// double backward for Hessian-vector products) works through it, and every axis, the batch axis
/// included, takes whatever size the input has (Shape is evaluated on the actual tensors).
/// Each BatchNormalization node's tensors live in a TorchSharp <c>BatchNorm2d</c> module, whose
/// train()/eval() mode selects batch or running statistics for that node whatever the input's rank,
/// so Lla's <c>AnalysisMode</c> treats it as any other BatchNorm layer.
/// </summary>
public sealed class OnnxModule : nn.Module<Tensor, Tensor>
{
    private readonly IReadOnlyList<OnnxNode> _nodes;
    private readonly IReadOnlyList<string> _inputs;
    private readonly IReadOnlyList<string> _outputs;
    private readonly Dictionary<string, Tensor> _bound;
    private readonly IReadOnlyDictionary<string, string> _onnxNames;
    private readonly IReadOnlyDictionary<string, ScalarType> _integralBuffers;
    private readonly IReadOnlySet<string> _constants;

    /// <summary>The file the model came from.</summary>
    public string Path { get; }

    /// <summary>The default-domain ONNX opset the graph declares.</summary>
    public int Opset { get; }

    /// <summary>The graph's inputs that are not initializers, in the file's order (bound ones included).</summary>
    public IReadOnlyList<string> InputNames => _inputs;

    /// <summary>The inputs bound to constants at load.</summary>
    public IReadOnlyCollection<string> BoundInputNames => _bound.Keys;

    /// <summary>The input <see cref="forward"/> feeds: the first one not bound, or null when none is left.</summary>
    public string? DataInput { get; }

    /// <summary>The graph's outputs in the file's order; <see cref="forward"/> returns the first.</summary>
    public IReadOnlyList<string> OutputNames => _outputs;

    /// <summary>
    /// One line per stored tensor whose element type was widened when read (float16 and bfloat16 to float32,
    /// uint16 to int32, uint32 and uint64 to int64), e.g. "initializer 'w': float16 read as float32".
    /// </summary>
    public IReadOnlyList<string> Conversions { get; }

    /// <summary>
    /// One line per float initializer that feeds more than one node input (see <see cref="TiedInitializers"/>):
    /// it is one parameter, so the slots it feeds are tied and the Hessian is taken over the tied value. PyTorch's
    /// exporter merges initializers with equal values (untrained zero biases, unit BatchNorm scales) this way.
    /// </summary>
    public IReadOnlyList<string> TiedInitializerNotes { get; }

    /// <summary>
    /// Every registered parameter and buffer name (as <c>named_parameters()</c> / <c>named_buffers()</c>
    /// show it) with the ONNX tensor name it holds. They are equal except for a name that collides
    /// with an already registered one (see <see cref="TensorTree"/>) and for BatchNormalization tensors
    /// not named P.weight/P.bias/P.running_mean/P.running_var (they live in a <c>batchnorm_K</c> module).
    /// </summary>
    public IReadOnlyDictionary<string, string> OnnxNames => _onnxNames;

    internal OnnxModule(string path, int opset, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyDictionary<string, Tensor> bound, Action<OnnxModule, TensorTree> registerTensors,
        IReadOnlyDictionary<string, ScalarType> integralBuffers, IReadOnlySet<string> constants, IReadOnlyList<string> conversions,
        IReadOnlyList<string> tied)
        : base("onnx")
    {
        Path = path;
        Opset = opset;
        _nodes = nodes;
        _inputs = inputs;
        _outputs = outputs;
        // The detached views are temporaries: a scope owns them (a handle owned by nothing can be finalized mid-call).
        using (NewDisposeScope())
            _bound = bound.ToDictionary(b => b.Key, b => b.Value.detach().clone().DetachFromDisposeScope());
        DataInput = inputs.FirstOrDefault(i => !_bound.ContainsKey(i));
        var tree = new TensorTree(this);
        registerTensors(this, tree);
        _onnxNames = tree.OnnxNames;
        _integralBuffers = integralBuffers;
        _constants = constants;
        Conversions = conversions;
        TiedInitializerNotes = tied;
    }

    /// <summary>The graph on <paramref name="input"/> fed to <see cref="DataInput"/> (the bound inputs as bound): its first output.</summary>
    public override Tensor forward(Tensor input)
    {
        var free = _inputs.Where(i => !_bound.ContainsKey(i)).ToList();
        if (free.Count != 1)
            throw new LlaException($"{Path}: the ONNX graph has {free.Count} inputs not bound to a value; running it on one tensor needs exactly one");
        using var scope = NewDisposeScope();
        var values = Evaluate(new Dictionary<string, Tensor> { [free[0]] = input }, input);
        // A new handle, so the output outlives this scope even when it is the input or a parameter.
        return values[_outputs[0]].alias().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The graph on named inputs: every input not bound at load must be given (a bound one may be given
    /// too, replacing its value for this call). Returns every graph output by name, as new tensors the
    /// caller owns. The working floating type is that of the first floating input given (else the parameters');
    /// float16 and bfloat16 inputs are converted to the parameters' type (float32 unless the module was converted).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        foreach (var name in inputs.Keys.Where(n => !_inputs.Contains(n)))
            throw new LlaException($"{Path}: '{name}' is not an input of the ONNX graph (its inputs: {string.Join(", ", _inputs)})");
        foreach (var name in _inputs.Where(n => !inputs.ContainsKey(n) && !_bound.ContainsKey(n)))
            throw new LlaException($"{Path}: the ONNX graph's input '{name}' has no value");
        using var scope = NewDisposeScope();
        var first = _inputs.Where(inputs.ContainsKey).Select(n => inputs[n]).FirstOrDefault(t => OnnxTensors.IsFloating(t.dtype));
        var values = Evaluate(inputs, first);
        return _outputs.Distinct().ToDictionary(o => o, o => values[o].alias().MoveToOuterDisposeScope());
    }

    /// <summary>Every tensor of the graph, computed in order (inside the caller's dispose scope).</summary>
    private Dictionary<string, Tensor> Evaluate(IReadOnlyDictionary<string, Tensor> feeds, Tensor? floating)
    {
        var values = new Dictionary<string, Tensor>();
        ScalarType? parameterType = null;
        foreach (var (name, p) in named_parameters())
        {
            parameterType ??= p.dtype;
            if (_onnxNames.TryGetValue(name, out var onnx)) values[onnx] = p;
        }
        // Half-precision data computes in the parameters' precision (float32 unless converted), as half weights are read.
        ScalarType working = floating is not null && OnnxTensors.IsFloating(floating.dtype) && !IsHalf(floating.dtype)
            ? floating.dtype : parameterType ?? ScalarType.Float32;
        foreach (var (name, b) in named_buffers())
        {
            if (!_onnxNames.TryGetValue(name, out var onnx)) continue;
            var value = b;
            // Module.to(dtype) may convert integer buffers too: shapes and indices stay integers.
            if (_integralBuffers.TryGetValue(onnx, out var integral) && value.dtype != integral) value = value.to(integral);
            // Float constants follow the working precision (BatchNorm statistics are updated in place, so never copied).
            else if (_constants.Contains(onnx) && OnnxTensors.IsFloating(value.dtype) && value.dtype != working) value = value.to(working);
            values[onnx] = value;
        }
        var device = floating?.device ?? feeds.Values.FirstOrDefault()?.device;
        foreach (var (name, b) in _bound)
        {
            // Bound values follow the data's device, and bound floats the working precision, as constants do.
            var value = device is not null && b.device != device ? b.to(device) : b;
            values[name] = OnnxTensors.IsFloating(value.dtype) && value.dtype != working ? value.to(working) : value;
        }
        foreach (var (name, t) in feeds) values[name] = IsHalf(t.dtype) ? t.to(working) : t;
        foreach (var node in _nodes)
        {
            var inputs = new Tensor?[node.Proto.Input.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                string name = node.Proto.Input[i];
                if (name.Length == 0) continue;
                inputs[i] = values.TryGetValue(name, out var value) ? value
                    : throw node.Error($"reads '{name}', an output its producer does not compute in Lla.NET");
            }
            node.WorkingFloat = working;
            node.Inputs = OnnxOperators.Inputs(node, inputs);
            try
            {
                var outputs = OnnxOperators.Get(node.OpType, node.Opset)(node);
                for (int i = 0; i < Math.Min(outputs.Length, node.OutputCount); i++)
                    if (node.Proto.Output[i].Length > 0) values[node.Proto.Output[i]] = outputs[i];
            }
            catch (System.Runtime.InteropServices.ExternalException e) when (!e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
            {
                // libtorch refused the node's inputs (shapes, sizes): one line naming the node, the engine's first line kept
                // (an out-of-memory error is the machine's, not the node's, and passes as it is).
                throw new LlaException(node.Error($"failed in libtorch: {e.Message.Split('\n')[0].Trim()}").Message, e);
            }
            finally
            {
                node.Inputs = Array.Empty<Tensor?>();
            }
        }
        return values;
    }

    private static bool IsHalf(ScalarType type) => type is ScalarType.Float16 or ScalarType.BFloat16;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var b in _bound.Values) b.Dispose();
            _bound.Clear();
        }
        base.Dispose(disposing);
    }
}
