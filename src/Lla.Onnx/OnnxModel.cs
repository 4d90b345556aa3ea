using TorchSharp;
using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Onnx;

/// <summary>Loads ONNX classifiers (opsets 13–17) as differentiable TorchSharp modules.</summary>
public static class OnnxModel
{
    /// <summary>
    /// Reads an ONNX file and builds its <see cref="OnnxModule"/>. Everything is checked before any
    /// tensor is built: a node with an operator Lla.NET does not run, an opset outside 13–17, or a
    /// dangling tensor name gives a one-line <see cref="LlaException"/>.
    /// </summary>
    public static OnnxModule Load(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "ONNX model file");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LlaException($"{path} is not an ONNX model ({e.Message.Split('\n')[0]})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new LlaException($"{path} holds no ONNX graph");
        return Build(path, model);
    }

    /// <summary>Builds the module of an ONNX model already in memory (<paramref name="path"/> only names it in messages).</summary>
    public static OnnxModule Build(string path, ModelProto model)
    {
        var graph = model.Graph;
        int opset = Opset(path, model);
        CheckOperators(graph, opset);

        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var inputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).ToList();
        if (inputs.Count != 1) throw new LlaException($"{path}: the ONNX graph has {inputs.Count} inputs besides its weights; Lla.NET needs exactly one (the images)");
        if (graph.Output.Count == 0) throw new LlaException($"{path}: the ONNX graph has no output");

        var constantNodes = graph.Node.Where(n => n.OpType == "Constant").ToList();
        var nodes = Sort(path, graph.Node.Where(n => n.OpType != "Constant").Select(n => new OnnxNode(n, opset)).ToList(),
            initializers.Keys.Concat(constantNodes.SelectMany(n => n.Output)).Append(inputs[0]), graph.Output[0].Name);

        // Every BatchNormalization node whose mean and variance are stored float tensors read by no other node gets a
        // BatchNorm2d module holding them (and its scale and bias too when those are likewise its own).
        var uses = graph.Node.SelectMany(n => n.Input).Where(i => i.Length > 0).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        bool Own(string name) => initializers.TryGetValue(name, out var t) && IsFloat(t) && uses[name] == 1;
        var batchNorms = new List<(OnnxNode Node, string[] Names, bool Affine)>();
        var statistics = new HashSet<string>();
        foreach (var node in nodes.Where(n => n.OpType == "BatchNormalization"))
        {
            var names = node.Proto.Input.Skip(1).Take(4).ToArray();
            if (names.Length != 4 || !Own(names[2]) || !Own(names[3])) continue;
            bool affine = Own(names[0]) && Own(names[1]);
            batchNorms.Add((node, names, affine));
            foreach (var n in affine ? names : names[2..]) statistics.Add(n);
        }

        var integral = new Dictionary<string, ScalarType>();
        var constants = new HashSet<string>();
        void Register(OnnxModule module, TensorTree tree)
        {
            using var _ = no_grad();
            var placed = new HashSet<string>();
            foreach (var init in graph.Initializer)
            {
                if (statistics.Contains(init.Name))
                {
                    var (node, names, affine) = batchNorms.First(b => b.Names.Contains(init.Name));
                    if (!placed.Add(names[3])) continue;
                    var values = (affine ? names : names[2..]).Select(n => OnnxTensors.ToTorch(initializers[n], "initializer")).ToArray();
                    var layer = BatchNormLayer(path, node, values, affine);
                    node.Layer = layer;
                    tree.AddBatchNorm(layer, affine ? names[0] : null, affine ? names[1] : null, names[2], names[3], batchNorms.FindIndex(b => b.Node == node));
                    continue;
                }
                var value = OnnxTensors.ToTorch(init, "initializer").DetachFromDisposeScope();
                if (IsFloat(init)) tree.AddParameter(init.Name, value);
                else
                {
                    integral[init.Name] = value.dtype;
                    tree.AddBuffer(init.Name, value);
                }
            }
            foreach (var node in constantNodes)
            {
                var value = ConstantValue(new OnnxNode(node, opset)).DetachFromDisposeScope();
                if (OnnxTensors.IsFloating(value.dtype)) constants.Add(node.Output[0]);
                else integral[node.Output[0]] = value.dtype;
                tree.AddBuffer(node.Output[0], value);
            }
        }

        return new OnnxModule(path, opset, nodes, inputs[0], graph.Output[0].Name, Register, integral, constants);
    }

    private static bool IsFloat(TensorProto t) => (DataType)t.DataType is DataType.Float or DataType.Double;

    private static int Opset(string path, ModelProto model)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new LlaException($"{path}: the ONNX model declares no default-domain opset");
        int opset = (int)entry.Version;
        if (opset < OnnxOperators.MinOpset || opset > OnnxOperators.MaxOpset)
            throw new LlaException($"{path}: the ONNX model uses opset {opset}; Lla.NET runs opsets {OnnxOperators.MinOpset}–{OnnxOperators.MaxOpset} (re-export with opset_version={OnnxOperators.MaxOpset})");
        return opset;
    }

    private static void CheckOperators(GraphProto graph, int opset)
    {
        foreach (var node in graph.Node)
        {
            bool known = node.Domain is "" or "ai.onnx" && OnnxOperators.Knows(node.OpType);
            if (known) continue;
            string op = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            string name = string.IsNullOrEmpty(node.Name) ? "unnamed" : node.Name;
            string supported = string.Join(", ", OnnxOperators.Supported.OrderBy(s => s, StringComparer.Ordinal));
            throw new LlaException($"the ONNX model uses operator {op} (node {name}, opset {opset}), which Lla.NET does not support; supported: {supported}");
        }
    }

    /// <summary>Kahn's algorithm over tensor names: each node once all its (non-empty) inputs exist, in file order otherwise.</summary>
    private static List<OnnxNode> Sort(string path, List<OnnxNode> nodes, IEnumerable<string> available, string output)
    {
        var ready = new HashSet<string>(available);
        var pending = new List<OnnxNode>(nodes);
        var sorted = new List<OnnxNode>(nodes.Count);
        while (pending.Count > 0)
        {
            int index = pending.FindIndex(n => n.Proto.Input.All(i => i.Length == 0 || ready.Contains(i)));
            if (index < 0)
            {
                var stuck = pending[0];
                string missing = stuck.Proto.Input.First(i => i.Length > 0 && !ready.Contains(i));
                throw new LlaException($"{path}: the ONNX node {stuck.Name} ({stuck.OpType}) reads '{missing}', which no node, initializer or input provides");
            }
            var node = pending[index];
            pending.RemoveAt(index);
            sorted.Add(node);
            foreach (var o in node.Proto.Output) if (o.Length > 0) ready.Add(o);
        }
        if (!ready.Contains(output)) throw new LlaException($"{path}: the ONNX graph's output '{output}' is never computed");
        return sorted;
    }

    /// <summary>
    /// A BatchNorm2d holding the node's running mean and variance, and its scale and bias when
    /// <paramref name="affine"/> (values: scale, bias, mean, variance, or mean, variance). The node's
    /// momentum and ε are applied by its forward; the module supplies the tensors and the train/eval mode.
    /// </summary>
    private static BatchNorm2d BatchNormLayer(string path, OnnxNode node, Tensor[] values, bool affine)
    {
        long channels = values[0].numel();
        if (values.Any(v => v.dim() != 1 || v.numel() != channels))
            throw new LlaException($"{path}: the ONNX node {node.Name} (BatchNormalization) has scale, bias, mean and variance of different sizes");
        var layer = nn.BatchNorm2d(channels, eps: node.Float("epsilon", 1e-5f), momentum: 1.0 - node.Float("momentum", 0.9f),
            affine: affine, dtype: values[0].dtype);
        if (affine)
        {
            layer.weight!.copy_(values[0]);
            layer.bias!.copy_(values[1]);
        }
        layer.running_mean!.copy_(values[^2]);
        layer.running_var!.copy_(values[^1]);
        foreach (var v in values) v.Dispose();
        return layer;
    }

    private static Tensor ConstantValue(OnnxNode node)
    {
        if (node.Attribute("value") is { } v) return OnnxTensors.ToTorch(v.T, "constant");
        if (node.Attribute("value_float") is { } f) return tensor(f.F);
        if (node.Attribute("value_floats") is { } fs) return tensor(fs.Floats.ToArray());
        if (node.Attribute("value_int") is { } i) return tensor(i.I);
        if (node.Attribute("value_ints") is { } iss) return tensor(iss.Ints.ToArray());
        throw node.Error("holds a kind of constant Lla.NET does not read (only tensors, floats and ints)");
    }
}
