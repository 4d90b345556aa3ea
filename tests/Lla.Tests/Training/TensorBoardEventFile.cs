using System.Buffers.Binary;
using Google.Protobuf;

namespace Lla.Tests.Training;

/// <summary>
/// A reader of TensorBoard event files for the tests, independent of the writer: TFRecord framing
/// (uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data; both CRCs checked
/// with a bit-by-bit CRC-32C of its own) and its own minimal copy of TensorBoard's event.proto and
/// summary.proto, read field by field with <see cref="CodedInputStream"/>:
/// <code>
/// message Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// message Summary { repeated Value value = 1; }
/// message Value { string tag = 1; float simple_value = 2; Image image = 4; HistogramProto histo = 5; }
/// message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
/// message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
///                          repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
/// </code>
/// </summary>
public static class TensorBoardEventFile
{
    public sealed record Image(int Height, int Width, int Colorspace, byte[] Encoded);
    public sealed record Histogram(double Min, double Max, double Num, double Sum, double SumSquares, List<double> BucketLimit, List<double> Bucket);
    public sealed record Value(string Tag, float? SimpleValue, Image? Image, Histogram? Histo);
    public sealed record Event(double WallTime, long Step, string? FileVersion, List<Value> Values);

    /// <summary>Every event of the file, in order; throws on a broken frame or CRC.</summary>
    public static List<Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12) throw new InvalidDataException($"{path}: truncated record header at byte {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)) != MaskedCrc(bytes.AsSpan(at, 8)))
                throw new InvalidDataException($"{path}: length CRC mismatch at byte {at}");
            at += 12;
            if ((ulong)(bytes.Length - at) < length + 4) throw new InvalidDataException($"{path}: truncated record at byte {at}");
            var data = bytes.AsSpan(at, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + (int)length)) != MaskedCrc(data))
                throw new InvalidDataException($"{path}: data CRC mismatch at byte {at}");
            events.Add(ReadEvent(data.ToArray()));
            at += (int)length + 4;
        }
        return events;
    }

    private static Event ReadEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<Value>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: fileVersion = input.ReadString(); break;
                case 5: values.AddRange(ReadSummary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Event(wallTime, step, fileVersion, values);
    }

    private static List<Value> ReadSummary(byte[] data)
    {
        var input = new CodedInputStream(data);
        var values = new List<Value>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) values.Add(ReadValue(input.ReadBytes().ToByteArray()));
            else input.SkipLastField();
        }
        return values;
    }

    private static Value ReadValue(byte[] data)
    {
        var input = new CodedInputStream(data);
        string name = "";
        float? simple = null;
        Image? image = null;
        Histogram? histo = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: simple = input.ReadFloat(); break;
                case 4: image = ReadImage(input.ReadBytes().ToByteArray()); break;
                case 5: histo = ReadHistogram(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Value(name, simple, image, histo);
    }

    private static Image ReadImage(byte[] data)
    {
        var input = new CodedInputStream(data);
        int height = 0, width = 0, colorspace = 0;
        byte[] encoded = Array.Empty<byte>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: height = input.ReadInt32(); break;
                case 2: width = input.ReadInt32(); break;
                case 3: colorspace = input.ReadInt32(); break;
                case 4: encoded = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Image(height, width, colorspace, encoded);
    }

    private static Histogram ReadHistogram(byte[] data)
    {
        var input = new CodedInputStream(data);
        double min = 0, max = 0, num = 0, sum = 0, squares = 0;
        List<double> limits = new(), buckets = new();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: min = input.ReadDouble(); break;
                case 2: max = input.ReadDouble(); break;
                case 3: num = input.ReadDouble(); break;
                case 4: sum = input.ReadDouble(); break;
                case 5: squares = input.ReadDouble(); break;
                case 6: ReadDoubles(input, tag, limits); break;
                case 7: ReadDoubles(input, tag, buckets); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Histogram(min, max, num, sum, squares, limits, buckets);
    }

    /// <summary>A repeated double, packed (one length-delimited run of 8-byte values) or not.</summary>
    private static void ReadDoubles(CodedInputStream input, uint tag, List<double> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(input.ReadDouble());
            return;
        }
        byte[] packed = input.ReadBytes().ToByteArray();
        for (int i = 0; i + 8 <= packed.Length; i += 8) into.Add(BinaryPrimitives.ReadDoubleLittleEndian(packed.AsSpan(i)));
    }

    /// <summary>CRC-32C computed bit by bit (reflected polynomial 0x82F63B78), masked as TFRecord stores it.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (uint)-(int)(crc & 1));
        }
        crc ^= 0xFFFFFFFFu;
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }
}
