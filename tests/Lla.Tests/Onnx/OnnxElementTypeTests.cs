using System.Runtime.InteropServices;
using Lla.Onnx;
using Lla.Tests.Support;
using static Lla.Tests.Onnx.OnnxGraphFiles;
using DataType = global::Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx;

/// <summary>float16, bfloat16, uint32 and uint64 tensors are read, widened exactly, and the widening is listed.</summary>
public class OnnxElementTypeTests
{
    public OnnxElementTypeTests() => TestTorch.Init();

    private static byte[] Bytes<T>(params T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Fact]
    public void Half_precision_weights_become_float32_parameters_and_unsigned_integers_int64()
    {
        var half = Raw("w16", DataType.Float16, new long[] { 2 }, Bytes(BitConverter.HalfToUInt16Bits((Half)1.5), BitConverter.HalfToUInt16Bits((Half)(-0.25))));
        // bfloat16 is float32's upper 16 bits: 2.0f is 0x40000000, −3.0f is 0xC0400000.
        var brain = Raw("wb16", DataType.Bfloat16, new long[] { 2 }, Bytes((ushort)0x4000, (ushort)0xC040));
        var u32 = Raw("u32", DataType.Uint32, new long[] { 2 }, Bytes(4_000_000_000u, 1u));
        string path = Write(new[]
            {
                Node("Add", new[] { "x", "w16" }, new[] { "h" }),
                Node("Add", new[] { "h", "wb16" }, new[] { "g" }),
                Node("Cast", new[] { "u32" }, new[] { "c" }, ("to", (long)DataType.Double)),
                Node("Add", new[] { "g", "c" }, new[] { "y" }),
            }, new[] { "x" }, new[] { "y" }, initializers: new[] { half, brain, u32 });
        using var model = OnnxModel.Load(path);
        Assert.Equal(new[] { "initializer 'w16': float16 read as float32", "initializer 'wb16': bfloat16 read as float32", "initializer 'u32': uint32 read as int64" },
            model.Conversions);
        // The run record's notes: one conversion of each kind here, so each in full.
        Assert.Equal(model.Conversions, OnnxLoadNotes.Of(model));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Equal(2, model.parameters().Count());
        using var x = zeros(2);
        using var y = model.forward(x);
        Assert.Equal(new[] { 1.5f + 2f + 4_000_000_000f, -0.25f - 3f + 1f }, y.data<float>().ToArray());
        // Half-precision data computes in the parameters' float32.
        using var half16 = zeros(2, dtype: ScalarType.Float16);
        using var fromHalf = model.forward(half16);
        Assert.Equal(ScalarType.Float32, fromHalf.dtype);
        Assert.Equal(y.data<float>().ToArray(), fromHalf.data<float>().ToArray());
    }

    [Fact]
    public void A_uint64_beyond_int64_is_refused_and_one_within_is_read()
    {
        var big = Raw("big", DataType.Uint64, new long[] { 1 }, Bytes(ulong.MaxValue));
        string path = Write(new[] { Node("Identity", new[] { "big" }, new[] { "y" }) }, Array.Empty<string>(), new[] { "y" }, initializers: new[] { big });
        var e = Assert.Throws<LlaException>(() => OnnxModel.LoadGraph(path));
        Assert.Equal($"the ONNX initializer 'big' holds the uint64 value {ulong.MaxValue}, above the largest int64 Lla.NET computes with", e.Message);

        var fine = Raw("fine", DataType.Uint64, new long[] { 1 }, Bytes(12345UL));
        path = Write(new[] { Node("Identity", new[] { "fine" }, new[] { "y" }) }, Array.Empty<string>(), new[] { "y" }, initializers: new[] { fine });
        using var graph = OnnxModel.LoadGraph(path);
        var y = graph.Run(new Dictionary<string, Tensor>())["y"];
        Assert.Equal(ScalarType.Int64, y.dtype);
        Assert.Equal(12345L, y.ToInt64());
    }

    /// <summary>
    /// A Cast to bfloat16 (or float16) rounds the values as the specification says, in the working precision, and its
    /// derivative is the identity (straight-through): y = x·w cast to bfloat16, in float64, at x = 1 + 2⁻¹⁰ (not a
    /// bfloat16: it rounds to 1) gives 1·w, while dy/dx is w and the gradient's own gradient, d²(Σy²)/dw², is 2x².
    /// </summary>
    [Fact]
    public void A_cast_to_bfloat16_rounds_values_and_passes_derivatives_through()
    {
        string path = Write(new[]
            {
                Node("Mul", new[] { "x", "w" }, new[] { "p" }),
                Node("Cast", new[] { "p" }, new[] { "y" }, ("to", (long)DataType.Bfloat16)),
            }, new[] { "x" }, new[] { "y" }, initializers: new[] { Raw("w", DataType.Float, new long[] { 1 }, Bytes(1f)) });
        using var model = OnnxModel.Load(path);
        model.to(ScalarType.Float64);
        double x0 = 1 + Math.Pow(2, -10);
        using var x = tensor(new[] { x0 }, dtype: ScalarType.Float64);
        using var y = model.forward(x);
        Assert.Equal(1.0, y.ToDouble()); // 1 + 2⁻¹⁰ has no bfloat16 (8 mantissa bits): it rounds to 1
        var w = model.parameters().Single();
        using var loss = (y * y).sum();
        var gradient = torch.autograd.grad(new[] { loss }, new[] { w }, retain_graph: true, create_graph: true)[0];
        // Straight-through: dL/dw = 2·y·x with the rounded y; d/dw of that = 2·x·x (y's derivative in w is x).
        Assert.Equal(2 * 1.0 * x0, gradient.ToDouble(), 12);
        var second = torch.autograd.grad(new[] { gradient.sum() }, new[] { w })[0];
        Assert.Equal(2 * x0 * x0, second.ToDouble(), 12);
    }

    /// <summary>Infinities and NaN cast to bfloat16 or float16 stay themselves, and a float16 overflow becomes an infinity (not NaN).</summary>
    [Theory]
    [InlineData(DataType.Bfloat16)]
    [InlineData(DataType.Float16)]
    public void A_cast_to_a_half_type_keeps_infinities_and_nan(DataType half)
    {
        string path = Write(new[] { Node("Cast", new[] { "x" }, new[] { "y" }, ("to", (long)half)) }, new[] { "x" }, new[] { "y" });
        using var model = OnnxModel.Load(path);
        using var x = tensor(new[] { float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e6f, 0.5f });
        using var _ = no_grad();
        var y = model.forward(x).data<float>().ToArray();
        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(float.NegativeInfinity, y[1]);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(half == DataType.Float16 ? float.PositiveInfinity : 999424f, y[3]); // float16's largest is 65504; bfloat16 rounds 10⁶ to 999,424
        Assert.Equal(0.5f, y[4]);
    }

    /// <summary>The straight-through derivative stays finite where the cast overflows: zero there, the identity elsewhere.</summary>
    [Fact]
    public void A_cast_that_overflows_float16_has_a_finite_derivative()
    {
        string path = Write(new[] { Node("Cast", new[] { "x" }, new[] { "y" }, ("to", (long)DataType.Float16)) }, new[] { "x" }, new[] { "y" });
        using var model = OnnxModel.Load(path);
        using var x = tensor(new[] { 1e6f, 0.5f }).requires_grad_(true);
        using var y = model.forward(x);
        var gradient = torch.autograd.grad(new[] { y.sum() }, new[] { x })[0].data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f }, gradient);
    }
}
