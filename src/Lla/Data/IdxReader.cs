using System.IO.Compression;

namespace Lla.Data;

/// <summary>An IDX array (the MNIST family's format): unsigned bytes with their dimensions.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads IDX files, gzipped or not (told apart by the gzip magic bytes). Only the unsigned-byte
/// element type (0x08) is supported, which is what MNIST-family images and labels use.
/// </summary>
public static class IdxReader
{
    public static IdxArray Read(string path)
    {
        InputPaths.RequireFile(path, "IDX file", "data");
        using var file = File.OpenRead(path);
        var head = new byte[2];
        int got = file.Read(head, 0, 2);
        file.Position = 0;
        Stream stream = got == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return Parse(memory.ToArray(), path);
        }
        catch (InvalidDataException e)
        {
            throw new LlaException($"{path} is a damaged gzip file ({e.Message})");
        }
        finally
        {
            if (!ReferenceEquals(stream, file)) stream.Dispose();
        }
    }

    public static IdxArray Parse(byte[] bytes, string name = "IDX data")
    {
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new LlaException($"{name} is not an IDX file (bad magic number)");
        if (bytes[2] != 0x08)
            throw new LlaException($"{name}: IDX element type 0x{bytes[2]:x2} is not supported (only unsigned bytes, 0x08)");
        int rank = bytes[3];
        if (rank < 1 || bytes.Length < 4 + 4 * rank) throw new LlaException($"{name}: truncated IDX header");
        var shape = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            int at = 4 + 4 * d;
            shape[d] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
            if (shape[d] < 0) throw new LlaException($"{name}: negative dimension in IDX header");
            count *= shape[d];
        }
        int offset = 4 + 4 * rank;
        if (bytes.Length - offset != count)
            throw new LlaException($"{name}: IDX header promises {count} values but the file holds {bytes.Length - offset}");
        return new IdxArray(shape, bytes[offset..]);
    }

    /// <summary>Writes an uncompressed or gzipped IDX file of unsigned bytes.</summary>
    public static void Write(string path, int[] shape, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
        stream.Write(new byte[] { 0, 0, 0x08, (byte)shape.Length });
        foreach (int d in shape) stream.Write(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        stream.Write(data);
    }
}
