using Onnx;
using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>
/// One node while it runs: its inputs (null where an optional input is left empty), its attributes,
/// the graph's opset and the model's working floating type.
/// </summary>
internal sealed class OnnxNode
{
    private readonly Dictionary<string, AttributeProto> _attributes;

    public NodeProto Proto { get; }
    public int Opset { get; }
    public Tensor?[] Inputs { get; set; } = Array.Empty<Tensor?>();
    public ScalarType WorkingFloat { get; set; } = ScalarType.Float32;
    /// <summary>The BatchNorm module that holds this node's statistics (BatchNormalization nodes only).</summary>
    public nn.Module? Layer { get; set; }
    /// <summary>
    /// CastLike only: the half type (float16 or bfloat16) the graph declares for the tensor whose type it copies, which
    /// was widened when read (so the tensor itself no longer says it); null when that tensor is not declared half.
    /// </summary>
    public ScalarType? LikeHalf { get; set; }

    public OnnxNode(NodeProto proto, int opset)
    {
        Proto = proto;
        Opset = opset;
        _attributes = proto.Attribute.ToDictionary(a => a.Name);
    }

    public string OpType => Proto.OpType;
    public string Name => string.IsNullOrEmpty(Proto.Name) ? $"{Proto.OpType} → {string.Join(", ", Proto.Output)}" : Proto.Name;
    public int OutputCount => Proto.Output.Count;

    public Tensor In(int i) =>
        i < Inputs.Length && Inputs[i] is { } t ? t : throw Error($"needs input {i + 1}, which is missing");

    public Tensor? Optional(int i) => i < Inputs.Length ? Inputs[i] : null;

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    public string String(string name, string fallback) => _attributes.TryGetValue(name, out var a) ? a.S.ToStringUtf8() : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? a.Ints.ToArray() : null;

    public AttributeProto? Attribute(string name) => _attributes.GetValueOrDefault(name);

    /// <summary>Axes given as an attribute (older opsets) or as an optional integer input (newer ones).</summary>
    public long[]? AxesFrom(string attribute, int input) =>
        Ints(attribute) ?? (Optional(input) is { } t ? OnnxTensors.Longs(t) : null);

    public LlaException Error(string what) =>
        new($"the ONNX node {Name} ({OpType}) {what}");
}
