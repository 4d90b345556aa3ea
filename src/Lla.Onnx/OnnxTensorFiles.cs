using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>
/// Tensors stored as one serialized ONNX <c>TensorProto</c> (the <c>.pb</c> files of ONNX's test data and of
/// <c>onnx.numpy_helper.from_array(...).SerializeToString()</c>), read with the loader's element-type rules.
/// </summary>
public static class OnnxTensorFiles
{
    /// <summary>The stored tensor's name (empty when it has none) and values (float16/bfloat16 as float32, uint32/uint64 as int64).</summary>
    public static (string Name, Tensor Value) Read(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "ONNX tensor file");
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new LlaException($"{path} is not an ONNX tensor ({e.Message.Split('\n')[0]})");
        }
        return (proto.Name, ToTensor(proto));
    }

    /// <summary>A stored tensor's values as a new CPU tensor, with the element-type rules of <see cref="Read"/>.</summary>
    public static Tensor ToTensor(TensorProto proto) => OnnxTensors.ToTorch(proto, "tensor");
}
