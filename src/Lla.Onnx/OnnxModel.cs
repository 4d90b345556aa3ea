using TorchSharp;
using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Onnx;

/// <summary>
/// Loads ONNX models (default-domain opsets 6–17) as differentiable TorchSharp modules: <see cref="Load(string)"/>
/// for a model that analyses run on data (one input left free), <see cref="LoadGraph"/> for a whole graph
/// evaluated on named inputs with <see cref="OnnxModule.Run"/>.
/// </summary>
public static class OnnxModel
{
    private static readonly IReadOnlyDictionary<string, Tensor> NoneBound = new Dictionary<string, Tensor>();

    /// <summary>
    /// Reads an ONNX file and builds its <see cref="OnnxModule"/>, whose forward runs the graph on its one
    /// input and returns its first output. Everything is checked before any tensor is built: a node with an
    /// operator Lla.NET does not run, an opset outside 6–17, a graph with more than one input, or a dangling
    /// tensor name gives a one-line <see cref="LlaException"/>.
    /// </summary>
    public static OnnxModule Load(string path) => Load(path, NoneBound);

    /// <summary>
    /// As <see cref="Load(string)"/>, with some of the graph's inputs bound to constant tensors (an attention
    /// mask, token types, …; copied). The data feeds the first input left unbound; a graph with another input
    /// still unbound, or a bound name the graph does not have, is refused naming it.
    /// </summary>
    public static OnnxModule Load(string path, IReadOnlyDictionary<string, Tensor> bound) => Build(path, Read(path), bound);

    /// <summary>
    /// Reads an ONNX file as a graph with any number of inputs and outputs, evaluated by
    /// <see cref="OnnxModule.Run"/> on every input by name (its forward needs exactly one input).
    /// </summary>
    public static OnnxModule LoadGraph(string path) => BuildGraph(path, Read(path), NoneBound);

    /// <summary>Builds the module of an ONNX model already in memory (<paramref name="path"/> only names it in messages).</summary>
    public static OnnxModule Build(string path, ModelProto model) => Build(path, model, NoneBound);

    /// <summary>As <see cref="Load(string, IReadOnlyDictionary{string, Tensor})"/> for a model already in memory.</summary>
    public static OnnxModule Build(string path, ModelProto model, IReadOnlyDictionary<string, Tensor> bound)
        => Create(path, model, bound, forData: true);

    /// <summary>As <see cref="LoadGraph"/> for a model already in memory, with <paramref name="bound"/> inputs fixed.</summary>
    public static OnnxModule BuildGraph(string path, ModelProto model, IReadOnlyDictionary<string, Tensor> bound)
        => Create(path, model, bound, forData: false);

    private static OnnxModule Create(string path, ModelProto model, IReadOnlyDictionary<string, Tensor> bound, bool forData)
    {
        var graph = model.Graph;
        if (graph is null || graph.Node.Count == 0) throw new LlaException($"{path} holds no ONNX graph");
        // Operators of other domains (training, Microsoft's, …) are named before a missing or unsupported opset.
        CheckOperators(path, model);
        int opset = Opset(path, model);
        OnnxValueTypes.Check(path, graph);
        if (forData) CheckBinding(path, graph, bound);

        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var inputs = graph.Input.Select(i => i.Name).Where(n => !initializers.ContainsKey(n)).Distinct().ToList();
        if (graph.Output.Count == 0) throw new LlaException($"{path}: the ONNX graph has no output");
        foreach (var name in bound.Keys.Where(b => !inputs.Contains(b)))
            throw new LlaException($"{path}: '{name}' is bound but is not an input of the ONNX graph (its inputs: {string.Join(", ", inputs)})");
        var outputs = graph.Output.Select(o => o.Name).ToList();

        var constantNodes = graph.Node.Where(n => n.OpType == "Constant").ToList();
        var nodes = Sort(path, graph.Node.Where(n => n.OpType != "Constant").Select(n => new OnnxNode(n, opset)).ToList(),
            initializers.Keys.Concat(constantNodes.SelectMany(n => n.Output)).Concat(inputs), outputs);

        // A CastLike copies the type of a tensor the graph declares half, though that tensor was widened when read.
        var declaredHalf = graph.Input.Where(i => i.Type?.TensorType is not null).Select(i => (i.Name, Type: (DataType)i.Type.TensorType.ElemType))
            .Concat(graph.Initializer.Select(t => (t.Name, Type: (DataType)t.DataType)))
            .Where(d => d.Type is DataType.Float16 or DataType.Bfloat16)
            .GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First().Type == DataType.Float16 ? ScalarType.Float16 : ScalarType.BFloat16);
        foreach (var node in nodes.Where(n => n.OpType == "CastLike" && n.Proto.Input.Count > 1))
            if (declaredHalf.TryGetValue(node.Proto.Input[1], out var half)) node.LikeHalf = half;

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
        var conversions = new List<string>();
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
                    var values = (affine ? names : names[2..]).Select(n => OnnxTensors.ToTorch(initializers[n], "initializer", conversions)).ToArray();
                    var layer = BatchNormLayer(path, node, values, affine);
                    node.Layer = layer;
                    tree.AddBatchNorm(layer, affine ? names[0] : null, affine ? names[1] : null, names[2], names[3], batchNorms.FindIndex(b => b.Node == node));
                    continue;
                }
                var value = OnnxTensors.ToTorch(init, "initializer", conversions).DetachFromDisposeScope();
                if (IsFloat(init)) tree.AddParameter(init.Name, value);
                else
                {
                    integral[init.Name] = value.dtype;
                    tree.AddBuffer(init.Name, value);
                }
            }
            foreach (var node in constantNodes)
            {
                var value = ConstantValue(new OnnxNode(node, opset), conversions).DetachFromDisposeScope();
                if (OnnxTensors.IsFloating(value.dtype)) constants.Add(node.Output[0]);
                else integral[node.Output[0]] = value.dtype;
                tree.AddBuffer(node.Output[0], value);
            }
        }

        var tied = TiedInitializers.Describe(graph, IsFloat);
        var typed = AsDeclared(path, graph, bound, out var converted);
        try
        {
            return new OnnxModule(path, opset, nodes, inputs, outputs, typed, Register, integral, constants, conversions, tied);
        }
        finally
        {
            foreach (var t in converted) t.Dispose(); // the module keeps its own copies
        }
    }

    /// <summary>
    /// Bound values in the element type their graph input declares, whatever they were read as (a NAME=NUMBER binding is an
    /// int64 or a float, an .npy array its stored type): floats for a floating input (the model's precision follows at run
    /// time), integers for an integer or boolean input. Refused in one line when a value is not finite, not whole, outside
    /// the integer type's range, or not 0/1 for a boolean input. An input that declares no type takes the value as read.
    /// </summary>
    private static Dictionary<string, Tensor> AsDeclared(string path, GraphProto graph, IReadOnlyDictionary<string, Tensor> bound, out List<Tensor> converted)
    {
        converted = new List<Tensor>();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var declared = graph.Input.Where(i => i.Type?.TensorType is not null).GroupBy(i => i.Name)
            .ToDictionary(g => g.Key, g => (DataType)g.First().Type.TensorType.ElemType);
        foreach (var (name, value) in bound)
        {
            if (!declared.TryGetValue(name, out var type) || type == DataType.Undefined) { result[name] = value; continue; }
            var target = OnnxTensors.CastTarget((long)type, ScalarType.Float32);
            bool floatingTarget = OnnxTensors.IsFloating(target);
            if (value.dtype == target || floatingTarget && OnnxTensors.IsFloating(value.dtype)) { result[name] = value; continue; }
            if (!floatingTarget && OnnxTensors.IsFloating(value.dtype))
            {
                using var _ = no_grad();
                using var finite = value.isfinite().all();
                using var whole = value.eq(value.round()).all();
                if (!finite.ToBoolean() || !whole.ToBoolean())
                    throw new LlaException($"{path}: input '{name}' is declared {type}, but the value bound to it is not a whole number");
            }
            if (target is ScalarType.Int8 or ScalarType.Byte or ScalarType.Int16 or ScalarType.Int32 && value.numel() > 0)
            {
                using var _ = no_grad();
                using var wide = value.to(ScalarType.Float64);
                double least = wide.min().ToDouble(), most = wide.max().ToDouble();
                var (low, high) = target switch
                {
                    ScalarType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                    ScalarType.Byte => (byte.MinValue, byte.MaxValue),
                    ScalarType.Int16 => (short.MinValue, short.MaxValue),
                    _ => ((double)int.MinValue, (double)int.MaxValue),
                };
                if (least < low || most > high)
                    throw new LlaException($"{path}: input '{name}' is declared {type}, but the value bound to it holds {(least < low ? least : most):G} (outside {low:G} to {high:G})");
            }
            if (target == ScalarType.Bool)
            {
                using var _ = no_grad();
                using var binary = value.eq(0).logical_or(value.eq(1)).all();
                if (!binary.ToBoolean()) throw new LlaException($"{path}: input '{name}' is declared bool, but the value bound to it is not 0 or 1");
            }
            var cast = value.to(target);
            converted.Add(cast);
            result[name] = cast;
        }
        return result;
    }

    private static ModelProto Read(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "ONNX model file");
        try
        {
            using var stream = File.OpenRead(path);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LlaException($"{path} is not an ONNX model ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>A model for analyses: every bound name is an input, and exactly one input is left for the data.</summary>
    private static void CheckBinding(string path, GraphProto graph, IReadOnlyDictionary<string, Tensor> bound)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        var free = graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n) && !bound.ContainsKey(n)).Distinct().ToList();
        if (free.Count == 0)
            throw new LlaException($"{path}: every input of the ONNX graph is bound, none is left for the data");
        if (free.Count > 1)
            throw new LlaException($"{path}: the ONNX graph's input '{free[1]}' is not bound; the data feeds '{free[0]}' and every other input needs a value");
    }

    private static bool IsFloat(TensorProto t) =>
        (DataType)t.DataType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    private static int Opset(string path, ModelProto model)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new LlaException($"{path}: the ONNX model declares no default-domain opset");
        int opset = (int)entry.Version;
        if (opset < OnnxOperators.MinOpset || opset > OnnxOperators.MaxOpset)
            throw new LlaException($"{path}: the ONNX model uses opset {opset}; Lla.NET runs opsets {OnnxOperators.MinOpset}–{OnnxOperators.MaxOpset} (re-export with opset_version={OnnxOperators.MaxOpset})");
        return opset;
    }

    private static void CheckOperators(string path, ModelProto model)
    {
        static bool IsDefault(string domain) => domain is "" or "ai.onnx";
        long? Imported(string domain) => model.OpsetImport.FirstOrDefault(o => o.Domain == domain || IsDefault(o.Domain) && IsDefault(domain))?.Version;
        foreach (var node in model.Graph.Node)
        {
            bool standard = IsDefault(node.Domain);
            long? opset = Imported(node.Domain);
            if (standard && OnnxOperators.Knows(node.OpType, (int)(opset ?? OnnxOperators.MaxOpset))) continue;
            string op = standard ? node.OpType : $"{node.Domain}.{node.OpType}";
            string name = string.IsNullOrEmpty(node.Name) ? "unnamed" : node.Name;
            string supported = string.Join(", ", OnnxOperators.Supported.OrderBy(s => s, StringComparer.Ordinal));
            // The version that applies to the node is its own domain's import, never the default domain's.
            string version = (standard, opset) switch
            {
                (true, null) => "no opset",
                (true, _) => $"opset {opset}",
                (false, null) => $"domain {node.Domain} not imported",
                (false, _) => $"domain {node.Domain} version {opset}",
            };
            throw new LlaException($"{path}: the ONNX model uses operator {op} (node {name}, {version}), which Lla.NET does not support; supported: {supported}");
        }
    }

    /// <summary>Kahn's algorithm over tensor names: each node once all its (non-empty) inputs exist, in file order otherwise.</summary>
    private static List<OnnxNode> Sort(string path, List<OnnxNode> nodes, IEnumerable<string> available, IEnumerable<string> outputs)
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
        foreach (var output in outputs.Where(o => !ready.Contains(o)))
            throw new LlaException($"{path}: the ONNX graph's output '{output}' is never computed");
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

    private static Tensor ConstantValue(OnnxNode node, ICollection<string> conversions)
    {
        if (node.Attribute("value") is { } v) return OnnxTensors.ToTorch(v.T, "constant", conversions);
        if (node.Attribute("value_float") is { } f) return tensor(f.F);
        if (node.Attribute("value_floats") is { } fs) return tensor(fs.Floats.ToArray());
        if (node.Attribute("value_int") is { } i) return tensor(i.I);
        if (node.Attribute("value_ints") is { } iss) return tensor(iss.Ints.ToArray());
        throw node.Error("holds a kind of constant Lla.NET does not read (only tensors, floats and ints)");
    }
}
