using Google.Protobuf;
using Lla.Onnx;
using Onnx;
using Tensor = TorchSharp.torch.Tensor;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// Runs one of ONNX's own node tests (the folders test_NAME of the libonnx-testdata package, each a
/// one-node model.onnx and test_data_set_0 with input_K.pb / output_K.pb) through Lla's importer: the
/// node's first input stays the graph input, the others become initializers, and each output in turn is
/// made the graph's output. Values compare as ONNX's runner does, |actual − expected| ≤ 1e-7 + 1e-3·|expected|.
/// </summary>
internal static class NodeTests
{
    public const string Root = "/usr/share/libonnx-testdata/data/node";

    public static bool Available => Directory.Exists(Root);

    /// <summary>The node tests named test_PREFIX, or test_PREFIX followed by '_' or a digit (expanded function bodies left out).</summary>
    public static IReadOnlyList<string> Matching(string prefix) => Directory.GetDirectories(Root)
        .Select(Path.GetFileName).Select(n => n!["test_".Length..])
        .Where(n => n == prefix || (n.StartsWith(prefix, StringComparison.Ordinal) && (n[prefix.Length] == '_' || char.IsDigit(n[prefix.Length]))))
        .Where(n => !n.EndsWith("_expanded", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>Null when every output of the node test matches, otherwise what differs.</summary>
    public static string? Check(string name)
    {
        string folder = Path.Combine(Root, "test_" + name);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        // Lla's loader runs opsets 13–17; a node test of another opset runs under the nearest one (the operators read
        // old and new attribute forms alike).
        foreach (var o in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) o.Version = Math.Clamp(o.Version, 13, 17);
        string data = Path.Combine(folder, "test_data_set_0");
        var inputs = model.Graph.Input.Select((_, i) => TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, $"input_{i}.pb")))).ToList();
        bool training = model.Graph.Node.Any(n => n.Attribute.Any(a => a.Name == "training_mode" && a.I != 0));
        var failures = new List<string>();
        for (int k = 0; k < model.Graph.Output.Count; k++)
        {
            var expectedProto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, $"output_{k}.pb")));
            var single = model.Clone();
            for (int i = 1; i < inputs.Count; i++)
            {
                var init = inputs[i].Clone();
                init.Name = single.Graph.Input[i].Name;
                single.Graph.Initializer.Add(init);
            }
            var output = single.Graph.Output[k];
            single.Graph.Output.Clear();
            single.Graph.Output.Add(output);
            using var scope = torch.NewDisposeScope();
            using var module = OnnxModel.Build(name, single);
            if (training) module.train(); else module.eval();
            using var _ = torch.no_grad();
            var actual = module.forward(Read(inputs[0]));
            var expected = Read(expectedProto);
            string? difference = Compare(actual, expected);
            if (difference is not null) failures.Add($"{name} output {k} ({output.Name}): {difference}");
        }
        return failures.Count == 0 ? null : string.Join("; ", failures);
    }

    private static string? Compare(Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]";
        if (expected.numel() == 0) return null;
        bool floating = expected.dtype is ScalarType.Float32 or ScalarType.Float64;
        if (!floating)
        {
            bool equal = actual.to(ScalarType.Int64).eq(expected.to(ScalarType.Int64)).all().ToBoolean();
            return equal ? null : $"values {Show(actual)}, expected {Show(expected)}";
        }
        var a = actual.to(ScalarType.Float64);
        var e = expected.to(ScalarType.Float64);
        var bothNaN = a.isnan().logical_and(e.isnan());
        var close = ((a - e).abs() <= 1e-7 + 1e-3 * e.abs()).logical_or(bothNaN).logical_or(a.eq(e));
        if (close.all().ToBoolean()) return null;
        return $"max difference {(a - e).abs().nan_to_num(nan: double.PositiveInfinity).max().ToDouble():G4}; values {Show(actual)}, expected {Show(expected)}";
    }

    private static string Show(Tensor t)
    {
        var values = t.to(ScalarType.Float64).flatten();
        var first = values.narrow(0, 0, Math.Min(8, values.shape[0])).data<double>().ToArray();
        return "[" + string.Join(", ", first.Select(v => v.ToString("G5"))) + (values.shape[0] > 8 ? ", …]" : "]");
    }

    /// <summary>A stored tensor as a torch tensor (the element types ONNX's node tests use for Lla's operators).</summary>
    public static Tensor Read(TensorProto t)
    {
        long[] dims = t.Dims.ToArray();
        byte[] raw = t.RawData.ToByteArray();
        bool hasRaw = t.HasRawData || raw.Length > 0;
        Tensor flat = (DataType)t.DataType switch
        {
            DataType.Float => torch.tensor(hasRaw ? Cast<float>(raw) : t.FloatData.ToArray()),
            DataType.Double => torch.tensor(hasRaw ? Cast<double>(raw) : t.DoubleData.ToArray()),
            DataType.Int64 => torch.tensor(hasRaw ? Cast<long>(raw) : t.Int64Data.ToArray()),
            DataType.Int32 => torch.tensor(hasRaw ? Cast<int>(raw) : t.Int32Data.ToArray()),
            DataType.Int16 => torch.tensor(hasRaw ? Cast<short>(raw) : t.Int32Data.Select(v => (short)v).ToArray()),
            DataType.Int8 => torch.tensor(hasRaw ? Cast<sbyte>(raw) : t.Int32Data.Select(v => (sbyte)v).ToArray()),
            DataType.Uint8 => torch.tensor(hasRaw ? raw : t.Int32Data.Select(v => (byte)v).ToArray()),
            DataType.Bool => torch.tensor(hasRaw ? raw.Select(v => v != 0).ToArray() : t.Int32Data.Select(v => v != 0).ToArray()),
            var other => throw new InvalidOperationException($"the node test stores a tensor of type {other}, which this helper does not read"),
        };
        return flat.reshape(dims);
    }

    private static T[] Cast<T>(byte[] raw) where T : struct => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(raw).ToArray();
}

/// <summary>A theory over ONNX's node tests; skipped, with the reason shown, where libonnx-testdata is not installed.</summary>
public sealed class RequiresOnnxNodeTestsTheoryAttribute : TheoryAttribute
{
    public RequiresOnnxNodeTestsTheoryAttribute()
    {
        if (!NodeTests.Available) Skip = $"ONNX's node tests are not installed at {NodeTests.Root} (apt-get install libonnx-testdata)";
    }
}

/// <summary>A fact about ONNX's node tests; skipped, with the reason shown, where libonnx-testdata is not installed.</summary>
public sealed class RequiresOnnxNodeTestsFactAttribute : FactAttribute
{
    public RequiresOnnxNodeTestsFactAttribute()
    {
        if (!NodeTests.Available) Skip = $"ONNX's node tests are not installed at {NodeTests.Root} (apt-get install libonnx-testdata)";
    }
}
