using System.IO.Compression;
using System.Text;
using Lla.Tests.Support;

namespace Lla.Tests.Data.Text;

/// <summary>Small corpora written for a test, in a temporary folder.</summary>
internal static class TextFiles
{
    /// <summary>A file of <paramref name="length"/> ASCII letters: byte i is 'A' + i mod 26.</summary>
    public static string Letters(string folder, string name, int length)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, Enumerable.Range(0, length).Select(i => (byte)('A' + i % 26)).ToArray());
        return path;
    }

    public static void Gzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>An .npy file of int64 (or float32) values of <paramref name="shape"/>.</summary>
    public static string Npy(string path, long[] shape, long[] values, string descr = "<i8")
    {
        string dims = string.Join(", ", shape) + (shape.Length == 1 ? "," : "");
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64) * 64 - 10 - 1) + "\n";
        using var stream = File.Create(path);
        stream.Write(new byte[] { 0x93 }); stream.Write(Encoding.ASCII.GetBytes("NUMPY")); stream.Write(new byte[] { 1, 0 });
        stream.Write(BitConverter.GetBytes((ushort)header.Length)); stream.Write(Encoding.ASCII.GetBytes(header));
        foreach (var v in values) stream.Write(descr == "<f4" ? BitConverter.GetBytes((float)v) : BitConverter.GetBytes(v));
        return path;
    }

    public static string Folder() => Paths.NewTempFolder();
}
