using System.Text;
using static TorchSharp.torch;

namespace Lla.Models;

/// <summary>
/// Reads and writes TorchSharp's state-dict format (what <c>Module.save</c> writes and
/// <c>Module.load</c> reads): an unsigned LEB128 entry count, then per entry a LEB128-prefixed UTF-8
/// name, a LEB128 element type, rank and dimensions, and the raw little-endian data.
/// Writes are atomic (a temporary file renamed into place).
/// </summary>
public static class TensorFile
{
    private static readonly Dictionary<long, ScalarType> Types = new()
    {
        [0] = ScalarType.Byte, [1] = ScalarType.Int8, [2] = ScalarType.Int16, [3] = ScalarType.Int32,
        [4] = ScalarType.Int64, [5] = ScalarType.Float16, [6] = ScalarType.Float32, [7] = ScalarType.Float64,
        [11] = ScalarType.Bool, [15] = ScalarType.BFloat16,
    };

    /// <summary>
    /// Writes <paramref name="entries"/> atomically: a temporary file beside the target, renamed into place,
    /// and removed if the writing fails (a full disk leaves nothing behind). A symbolic link is written
    /// through (see <see cref="WriteTarget"/>).
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        var list = entries.ToList();
        path = WriteTarget(path);
        string tmp = path + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = File.Create(tmp))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                WriteLeb(writer, list.Count);
                foreach (var (name, t) in list)
                {
                    var bytes = Encoding.UTF8.GetBytes(name);
                    WriteLeb(writer, bytes.Length);
                    writer.Write(bytes);
                    using var scope = NewDisposeScope();
                    using var c = t.detach().cpu().contiguous();
                    WriteLeb(writer, Types.First(kv => kv.Value == c.dtype).Key);
                    WriteLeb(writer, c.shape.Length);
                    foreach (var d in c.shape) WriteLeb(writer, d);
                    writer.Write(c.bytes.ToArray());
                }
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>
    /// The file a write to <paramref name="path"/> replaces: the final target of a symbolic link (the
    /// link stays a link and its target gets the new content, as when writing through it), else the path itself.
    /// </summary>
    public static string WriteTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }

    /// <summary>Reads every entry. Throws <see cref="LlaException"/> for a file that is not in this format.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        Lla.Data.InputPaths.RequireFile(path, "file");
        var result = new Dictionary<string, Tensor>();
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            long count = ReadLeb(reader);
            if (count < 0 || count > 1_000_000) throw new FormatException("implausible entry count");
            for (long i = 0; i < count; i++)
            {
                int nameLength = checked((int)ReadLeb(reader));
                if (nameLength > 4096) throw new FormatException("implausible name length");
                string name = Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
                long code = ReadLeb(reader);
                if (!Types.TryGetValue(code, out var dtype)) throw new FormatException($"unknown element type {code}");
                long rank = ReadLeb(reader);
                if (rank > 16) throw new FormatException("implausible rank");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = ReadLeb(reader);
                long elements = shape.Aggregate(1L, (a, b) => checked(a * b));
                int elementSize;
                using (var probe = empty(0, dtype: dtype)) elementSize = (int)probe.ElementSize;
                long size = checked(elements * elementSize);
                if (size > stream.Length - stream.Position) throw new FormatException("truncated data");
                var data = reader.ReadBytes(checked((int)size));
                var t = empty(shape, dtype: dtype);
                t.bytes = data;
                result[name] = t.DetachFromDisposeScope();
            }
            if (stream.Position != stream.Length) throw new FormatException("trailing bytes");
            return result;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or OverflowException or ArgumentException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new LlaException($"{path} is not a TorchSharp weights file ({e.Message})");
        }
    }

    private static void WriteLeb(BinaryWriter writer, long value)
    {
        ulong v = (ulong)value;
        do
        {
            byte b = (byte)(v & 0x7f);
            v >>= 7;
            if (v != 0) b |= 0x80;
            writer.Write(b);
        } while (v != 0);
    }

    private static long ReadLeb(BinaryReader reader)
    {
        long result = 0;
        int shift = 0;
        while (true)
        {
            byte b = reader.ReadByte();
            result |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
            shift += 7;
            if (shift > 63) throw new FormatException("bad LEB128 number");
        }
    }
}
