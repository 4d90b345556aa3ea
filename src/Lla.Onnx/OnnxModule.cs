using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>
/// An ONNX graph as a TorchSharp module with one tensor input and one tensor output. Float
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
    private readonly string _input;
    private readonly string _output;
    private readonly IReadOnlyDictionary<string, string> _onnxNames;
    private readonly IReadOnlyDictionary<string, ScalarType> _integralBuffers;
    private readonly IReadOnlySet<string> _constants;

    /// <summary>The file the model came from.</summary>
    public string Path { get; }

    /// <summary>The default-domain ONNX opset the graph declares.</summary>
    public int Opset { get; }

    /// <summary>
    /// Every registered parameter and buffer name (as <c>named_parameters()</c> / <c>named_buffers()</c>
    /// show it) with the ONNX tensor name it holds. They are equal except for a name that collides
    /// with an already registered one (see <see cref="TensorTree"/>) and for BatchNormalization tensors
    /// not named P.weight/P.bias/P.running_mean/P.running_var (they live in a <c>batchnorm_K</c> module).
    /// </summary>
    public IReadOnlyDictionary<string, string> OnnxNames => _onnxNames;

    internal OnnxModule(string path, int opset, IReadOnlyList<OnnxNode> nodes, string input, string output,
        Action<OnnxModule, TensorTree> registerTensors, IReadOnlyDictionary<string, ScalarType> integralBuffers, IReadOnlySet<string> constants)
        : base("onnx")
    {
        Path = path;
        Opset = opset;
        _nodes = nodes;
        _input = input;
        _output = output;
        var tree = new TensorTree(this);
        registerTensors(this, tree);
        _onnxNames = tree.OnnxNames;
        _integralBuffers = integralBuffers;
        _constants = constants;
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor>();
        ScalarType? parameterType = null;
        foreach (var (name, p) in named_parameters())
        {
            parameterType ??= p.dtype;
            if (_onnxNames.TryGetValue(name, out var onnx)) values[onnx] = p;
        }
        ScalarType working = OnnxTensors.IsFloating(input.dtype) ? input.dtype : parameterType ?? ScalarType.Float32;
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
        values[_input] = input;
        foreach (var node in _nodes)
        {
            var inputs = new Tensor?[node.Proto.Input.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                string name = node.Proto.Input[i];
                if (name.Length == 0) continue;
                inputs[i] = values[name];
            }
            node.Inputs = inputs;
            node.WorkingFloat = working;
            try
            {
                var outputs = OnnxOperators.Get(node.OpType)(node);
                for (int i = 0; i < Math.Min(outputs.Length, node.OutputCount); i++)
                    if (node.Proto.Output[i].Length > 0) values[node.Proto.Output[i]] = outputs[i];
            }
            finally
            {
                node.Inputs = Array.Empty<Tensor?>();
            }
        }
        // A new handle, so the output outlives this scope even when it is the input or a parameter.
        return values[_output].alias().MoveToOuterDisposeScope();
    }
}
