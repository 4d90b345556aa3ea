using Google.Protobuf;
using Lla.Tests.Support;
using global::Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx;

/// <summary>Small ONNX graphs written with the generated protobuf types, for tests of the importer.</summary>
internal static class OnnxGraphFiles
{
    /// <summary>A node; attributes as (name, value) with value a long, float, long[], float[] or string.</summary>
    public static NodeProto Node(string op, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(value switch
            {
                long i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
                float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
                long[] ints => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
                float[] floats => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats, Floats = { floats } },
                string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
                _ => throw new ArgumentException($"attribute {name}: {value.GetType().Name} is not an attribute type here"),
            });
        return node;
    }

    /// <summary>A stored tensor of the given element type from raw little-endian bytes.</summary>
    public static TensorProto Raw(string name, DataType type, long[] dims, byte[] bytes) =>
        new() { Name = name, DataType = (int)type, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };

    /// <summary>Writes a model of <paramref name="nodes"/> at <paramref name="opset"/> and returns its path.</summary>
    public static string Write(IEnumerable<NodeProto> nodes, string[] inputs, string[] outputs, long opset = 17, IEnumerable<TensorProto>? initializers = null,
        IEnumerable<ValueInfoProto>? typedInputs = null)
    {
        var graph = new GraphProto { Name = "test" };
        foreach (var i in inputs) graph.Input.Add(new ValueInfoProto { Name = i });
        if (typedInputs is not null) graph.Input.Add(typedInputs);
        foreach (var o in outputs) graph.Output.Add(new ValueInfoProto { Name = o });
        graph.Node.Add(nodes);
        if (initializers is not null) graph.Initializer.Add(initializers);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        string path = Path.Combine(Paths.NewTempFolder(), "graph.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
