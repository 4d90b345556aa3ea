using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>
/// Reads NumPy .npy files (format versions 1–3, C order, little-endian or single-byte types:
/// float16/32/64, int8/16/32/64, uint8, bool) into tensors of their own element type.
/// </summary>
public static partial class NpyReader
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Types = new()
    {
        ["<f2"] = (ScalarType.Float16, 2), ["<f4"] = (ScalarType.Float32, 4), ["<f8"] = (ScalarType.Float64, 8),
        ["|i1"] = (ScalarType.Int8, 1), ["<i2"] = (ScalarType.Int16, 2), ["<i4"] = (ScalarType.Int32, 4), ["<i8"] = (ScalarType.Int64, 8),
        ["|u1"] = (ScalarType.Byte, 1), ["|b1"] = (ScalarType.Bool, 1),
    };

    public static Tensor Read(string path)
    {
        InputPaths.RequireFile(path, "NPY file", "data");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new LlaException($"{path} is not an NPY file (bad magic)");
        int major = bytes[6];
        int headerLength, headerStart;
        if (major == 1) { headerLength = BitConverter.ToUInt16(bytes, 8); headerStart = 10; }
        else if (major is 2 or 3) { headerLength = (int)BitConverter.ToUInt32(bytes, 8); headerStart = 12; }
        else throw new LlaException($"{path}: NPY format version {major} is not supported");
        if (headerStart + headerLength > bytes.Length) throw new LlaException($"{path}: truncated NPY header");
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var descr = Descr().Match(header);
        var order = Fortran().Match(header);
        var shapeMatch = Shape().Match(header);
        if (!descr.Success || !order.Success || !shapeMatch.Success) throw new LlaException($"{path}: unreadable NPY header");
        string type = descr.Groups[1].Value.Replace("=", "<");
        if (!Types.TryGetValue(type, out var element))
            throw new LlaException($"{path}: NPY element type '{descr.Groups[1].Value}' is not supported (float16/32/64, int8/16/32/64, uint8, bool, little-endian)");
        if (order.Groups[1].Value == "True") throw new LlaException($"{path}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray");
        var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart != count * element.Size)
            throw new LlaException($"{path}: the header promises {count} values of {element.Size} bytes but the file holds {bytes.Length - dataStart} bytes");
        var t = empty(shape, dtype: element.Type);
        t.bytes = bytes.AsSpan(dataStart).ToArray();
        return t.DetachFromDisposeScope();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex Descr();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex Fortran();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex Shape();
}

/// <summary>`npy:INPUTS.npy,LABELS.npy`: any input shape (as float32), integer labels (classification) or float targets (regression).</summary>
public static class NpyDataset
{
    public static Dataset Load(string spec)
    {
        var files = spec.Split(',');
        if (files.Length != 2) throw new LlaException($"{{data}} npy:{spec} must name two files: npy:INPUTS.npy,LABELS.npy");
        var inputs = NpyReader.Read(files[0]);
        var targets = NpyReader.Read(files[1]);
        if (inputs.dim() < 1 || targets.dim() < 1 || inputs.shape[0] != targets.shape[0])
            throw new LlaException($"npy:{spec}: {(inputs.dim() < 1 ? 0 : inputs.shape[0])} inputs but {(targets.dim() < 1 ? 0 : targets.shape[0])} labels");
        if (inputs.dtype == ScalarType.Bool) throw new LlaException($"{files[0]}: boolean inputs are not supported");
        var x = inputs.to(ScalarType.Float32).DetachFromDisposeScope();
        Tensor y = is_floating_point(targets) ? targets.to(ScalarType.Float32) : targets.dtype == ScalarType.Bool
            ? throw new LlaException($"{files[1]}: boolean labels are not supported")
            : targets.to(ScalarType.Int64);
        string converted = inputs.dtype == ScalarType.Float32 ? "" : $" (inputs {inputs.dtype.ToString().ToLowerInvariant()}, converted to float32)";
        return new Dataset(x, y.DetachFromDisposeScope(), $"npy:{spec}{converted}");
    }
}
