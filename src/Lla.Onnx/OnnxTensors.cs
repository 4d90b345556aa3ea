using System.Runtime.InteropServices;
using Onnx;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Onnx;

/// <summary>
/// Conversions between ONNX's stored tensors (<see cref="TensorProto"/>) and TorchSharp tensors,
/// and between ONNX element types and TorchSharp scalar types.
/// </summary>
internal static class OnnxTensors
{
    /// <summary>
    /// The tensor's values as a new CPU tensor of the same shape. Values come either from <c>raw_data</c>
    /// (little-endian bytes) or from the typed repeated fields (ONNX stores 8- and 16-bit integers,
    /// booleans and the bit patterns of float16/bfloat16 in <c>int32_data</c>, uint32 and uint64 in
    /// <c>uint64_data</c>). Element types torch computes poorly are widened where exact: float16 and
    /// bfloat16 become float32 (the analysis type; exact), uint16 becomes int32 and uint32 int64 (exact), uint64 becomes
    /// int64 and a value above 2⁶³ − 1 is refused. <paramref name="conversions"/>, when given, gets one
    /// line per widened tensor.
    /// </summary>
    public static Tensor ToTorch(TensorProto t, string what, ICollection<string>? conversions = null)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new LlaException($"the ONNX {what} '{t.Name}' keeps its values in an external data file, which Lla.NET does not read (save the model with its weights inside)");
        long[] dims = t.Dims.ToArray();
        byte[]? raw = t.HasRawData ? t.RawData.ToByteArray() : null;
        var type = (DataType)t.DataType;
        Tensor flat = type switch
        {
            DataType.Float => tensor(raw is not null ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : t.FloatData.ToArray()),
            DataType.Double => tensor(raw is not null ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : t.DoubleData.ToArray()),
            DataType.Int64 => tensor(raw is not null ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : t.Int64Data.ToArray()),
            DataType.Int32 => tensor(raw is not null ? MemoryMarshal.Cast<byte, int>(raw).ToArray() : t.Int32Data.ToArray()),
            DataType.Int16 => tensor(raw is not null ? MemoryMarshal.Cast<byte, short>(raw).ToArray() : t.Int32Data.Select(v => (short)v).ToArray()),
            DataType.Int8 => tensor(raw is not null ? MemoryMarshal.Cast<byte, sbyte>(raw).ToArray() : t.Int32Data.Select(v => (sbyte)v).ToArray()),
            DataType.Uint8 => tensor(raw ?? t.Int32Data.Select(v => (byte)v).ToArray()),
            DataType.Bool => tensor(raw is not null ? raw.Select(v => v != 0).ToArray() : t.Int32Data.Select(v => v != 0).ToArray()),
            DataType.Float16 => tensor(Bits16(raw, t).Select(b => (float)BitConverter.UInt16BitsToHalf(b)).ToArray()),
            DataType.Bfloat16 => tensor(Bits16(raw, t).Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray()),
            DataType.Uint16 => tensor((raw is not null ? MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(v => (int)v) : t.Int32Data).ToArray()),
            DataType.Uint32 => tensor((raw is not null ? MemoryMarshal.Cast<byte, uint>(raw).ToArray().Select(v => (long)v) : t.Uint64Data.Select(v => (long)v)).ToArray()),
            DataType.Uint64 => tensor((raw is not null ? MemoryMarshal.Cast<byte, ulong>(raw).ToArray() : t.Uint64Data.ToArray()).Select(v => Signed(v, t, what)).ToArray()),
            _ => throw new LlaException($"the ONNX {what} '{t.Name}' has element type {type}, which Lla.NET does not read (supported: float, double, float16, bfloat16, int8/16/32/64, uint8/16/32/64, bool)"),
        };
        long count = dims.Aggregate(1L, (a, b) => a * b);
        long held = flat.numel();
        if (held != count)
        {
            flat.Dispose();
            throw new LlaException($"the ONNX {what} '{t.Name}' holds {held} values but its shape [{string.Join(", ", dims)}] needs {count}");
        }
        if (conversions is not null && type is DataType.Float16 or DataType.Bfloat16 or DataType.Uint16 or DataType.Uint32 or DataType.Uint64)
            conversions.Add($"{what} '{t.Name}': {Name(type)} read as {(type is DataType.Float16 or DataType.Bfloat16 ? "float32" : type == DataType.Uint16 ? "int32" : "int64")}");
        var shaped = flat.reshape(dims);
        flat.Dispose();
        return shaped;
    }

    /// <summary>ONNX's lower-case name of an element type (float16, uint32, …).</summary>
    public static string Name(DataType type) => type.ToString().ToLowerInvariant();

    /// <summary>The 16-bit patterns of a float16 or bfloat16 tensor (raw bytes, or one per <c>int32_data</c> entry).</summary>
    private static ushort[] Bits16(byte[]? raw, TensorProto t) =>
        raw is not null ? MemoryMarshal.Cast<byte, ushort>(raw).ToArray() : t.Int32Data.Select(v => (ushort)v).ToArray();

    private static long Signed(ulong value, TensorProto t, string what) => value <= long.MaxValue ? (long)value
        : throw new LlaException($"the ONNX {what} '{t.Name}' holds the uint64 value {value}, above the largest int64 Lla.NET computes with");

    /// <summary>
    /// The TorchSharp type for an ONNX <c>Cast</c> target. Every floating target (float16, bfloat16,
    /// float, double) maps to <paramref name="workingFloat"/>, the model's working precision: a graph
    /// exported in float32 that casts to float must keep computing in float64 after <c>.to(float64)</c>.
    /// </summary>
    public static ScalarType CastTarget(long onnxType, ScalarType workingFloat) => (DataType)onnxType switch
    {
        DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16 => workingFloat,
        DataType.Int64 or DataType.Uint32 or DataType.Uint64 => ScalarType.Int64,
        DataType.Int32 or DataType.Uint16 => ScalarType.Int32,
        DataType.Int16 => ScalarType.Int16,
        DataType.Int8 => ScalarType.Int8,
        DataType.Uint8 => ScalarType.Byte,
        DataType.Bool => ScalarType.Bool,
        var other => throw new LlaException($"an ONNX Cast to {other} is not supported by Lla.NET"),
    };

    /// <summary>The half type an ONNX element type names (float16, bfloat16), or null for any other.</summary>
    public static ScalarType? HalfType(long onnxType) => (DataType)onnxType switch
    {
        DataType.Float16 => ScalarType.Float16,
        DataType.Bfloat16 => ScalarType.BFloat16,
        _ => null,
    };

    /// <summary>
    /// A Cast to float16 or bfloat16: the values rounded to that type, as the specification says (bfloat16 keeps 8
    /// mantissa bits, an error up to 0.4%), kept in the working precision; the derivative is the identity
    /// (straight-through), since rounding's own is zero almost everywhere and would cut every gradient and HVP.
    /// </summary>
    public static Tensor RoundedAs(Tensor x, ScalarType half)
    {
        using var rounded = x.detach().to(half).to(x.dtype);
        using var step = rounded - x.detach();
        // Infinities and NaN (given, or a float16 overflow) are the rounded value itself: inf + (inf − inf) would be NaN.
        using var finite = step.isfinite();
        return where(finite, x + step, rounded);
    }

    public static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>The values of a small integer tensor (shapes, axes, indices) as longs.</summary>
    public static long[] Longs(Tensor t)
    {
        using var l = t.to(ScalarType.Int64).cpu().contiguous();
        return l.data<long>().ToArray();
    }
}
