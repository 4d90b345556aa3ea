using System.Buffers.Binary;
using Google.Protobuf;
using Tensorboard;

namespace Lla.TensorBoard;

/// <summary>
/// Writes one TensorBoard event file, <c>events.out.tfevents.SECONDS.HOST.PID.N</c>, in a log folder:
/// TFRecord-framed <c>Event</c> messages (uint64 little-endian length, masked CRC-32C of those 8 bytes,
/// the message, masked CRC-32C of the message), the first one <c>file_version = "brain.Event:2"</c>,
/// every one with its wall time in seconds since the Unix epoch. Each record is flushed as it is
/// written, so TensorBoard shows a training as it goes.
/// <para>
/// The messages are TensorBoard's own (event.proto, summary.proto), as compiled into TorchSharp; the
/// framing is ours because TorchSharp 0.107's SummaryWriter writes the file-version event's wall time
/// in .NET ticks, the others in whole seconds, names its files by ticks, and takes histograms only as
/// raw values to bin, not as buckets already computed.
/// </para>
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private static int files;
    private readonly FileStream stream;

    /// <summary>The event file's path.</summary>
    public string Path { get; }

    /// <summary>Creates <paramref name="folder"/> if needed and a new event file in it.</summary>
    public EventFileWriter(string folder)
    {
        Directory.CreateDirectory(folder);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string host = string.Concat(Environment.MachineName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        Path = System.IO.Path.Combine(folder, $"events.out.tfevents.{seconds}.{host}.{Environment.ProcessId}.{Interlocked.Increment(ref files)}");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    /// <summary>A scalar (TensorBoard stores it as a 32-bit float).</summary>
    public void Scalar(string tag, long step, double value) =>
        Write(tag, step, new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });

    /// <summary>A histogram from its buckets (weights need not be whole numbers).</summary>
    public void Histogram(string tag, long step, HistogramBuckets h)
    {
        var histo = new HistogramProto { Min = h.Min, Max = h.Max, Num = h.Total, Sum = h.Sum, SumSquares = h.SumSquares };
        histo.BucketLimit.AddRange(h.Limits);
        histo.Bucket.AddRange(h.Counts);
        Write(tag, step, new Summary.Types.Value { Tag = tag, Histo = histo });
    }

    /// <summary>A PNG image, as its file's bytes (width, height and colour type read from its IHDR chunk).</summary>
    public void Png(string tag, long step, byte[] png)
    {
        var (width, height, channels) = PngHeader(png);
        var image = new Summary.Types.Image { Width = width, Height = height, Colorspace = channels, EncodedImageString = ByteString.CopyFrom(png) };
        Write(tag, step, new Summary.Types.Value { Tag = tag, Image = image });
    }

    public void Dispose() => stream.Dispose();

    private void Write(string tag, long step, Summary.Types.Value value)
    {
        var summary = new Summary();
        summary.Value.Add(value);
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    private void Write(Event e)
    {
        byte[] data = e.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.LongLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
        stream.Flush();
    }

    /// <summary>Seconds since the Unix epoch, with the fraction (TensorBoard's wall_time).</summary>
    private static double Now() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    /// <summary>Width, height and channel count (TensorBoard's colorspace: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) of a PNG.</summary>
    private static (int Width, int Height, int Channels) PngHeader(byte[] png)
    {
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 26 || !png.AsSpan(0, 8).SequenceEqual(signature) || png[12] != 'I' || png[13] != 'H' || png[14] != 'D' || png[15] != 'R')
            throw new ArgumentException("not a PNG file (no signature and IHDR chunk)", nameof(png));
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int channels = png[25] switch { 0 => 1, 4 => 2, 6 => 4, _ => 3 }; // 2 RGB, 3 palette (shown as RGB)
        return (width, height, channels);
    }
}
