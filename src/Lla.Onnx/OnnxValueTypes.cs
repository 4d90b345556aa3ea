using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Onnx;

/// <summary>
/// The kinds of value a graph's inputs and outputs may have: Lla.NET computes with dense numeric tensors
/// only, so a sequence, map, optional or sparse value, or a tensor of strings or complex numbers, is
/// refused at load in one line naming the value. A value declared without a type is accepted.
/// </summary>
internal static class OnnxValueTypes
{
    public static void Check(string path, GraphProto graph)
    {
        foreach (var (value, role) in graph.Input.Select(v => (v, "input")).Concat(graph.Output.Select(v => (v, "output"))))
        {
            if (value.Type is null) continue;
            string? refused = value.Type.ValueCase switch
            {
                TypeProto.ValueOneofCase.None => null,
                TypeProto.ValueOneofCase.TensorType => Element(value.Type.TensorType.ElemType),
                TypeProto.ValueOneofCase.SequenceType => "a sequence",
                TypeProto.ValueOneofCase.MapType => "a map",
                TypeProto.ValueOneofCase.OptionalType => "an optional value",
                TypeProto.ValueOneofCase.SparseTensorType => "a sparse tensor",
                _ => "a kind of value ONNX added after 1.12",
            };
            if (refused is not null)
                throw new LlaException($"{path}: the ONNX graph's {role} '{value.Name}' is {refused}, which Lla.NET does not compute with (only numeric tensors)");
        }
    }

    private static string? Element(int type) => (DataType)type switch
    {
        DataType.String => "a tensor of strings",
        DataType.Complex64 or DataType.Complex128 => "a tensor of complex numbers",
        _ => null,
    };
}
