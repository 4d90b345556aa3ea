using System.Text;
using Lla.Runs;
using Lla.TensorBoard;
using Lla.Tests.Support;

namespace Lla.Tests.Training;

/// <summary>The TensorBoard event writer, read back by the tests' own reader: framing, CRCs, fields, histogram buckets.</summary>
public class TensorBoardWriterTests
{
    [Fact]
    public void Crc32c_of_the_standard_check_string_is_e3069283_in_both_implementations()
    {
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, Crc32C.Compute(check)); // the published check value of CRC-32C
        uint crc = 0xE3069283u, masked = ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
        Assert.Equal(masked, Crc32C.Masked(check));
        Assert.Equal(masked, TensorBoardEventFile.MaskedCrc(check));
    }

    [Fact]
    public void A_density_grid_becomes_buckets_whose_weights_are_its_cell_masses()
    {
        // λ = 0..4 (Δ = 1), ρ = .1 .2 .4 .2 .1: cells of mass ρΔ; two buckets of ⌈5/2⌉ = 3 and 2 cells.
        var density = new DensityRecord(new double[] { 0, 1, 2, 3, 4 }, new[] { 0.1, 0.2, 0.4, 0.2, 0.1 }, 1e-5);
        var h = HistogramBuckets.FromDensity(density, maxBuckets: 2);
        Assert.Equal(-0.5, h.Min);
        Assert.Equal(4.5, h.Max);
        Assert.Equal(new[] { 2.5, 4.5 }, h.Limits);
        Assert.Equal(0.7, h.Counts[0], 12);
        Assert.Equal(0.3, h.Counts[1], 12);
        Assert.Equal(1.0, h.Total, 12);
        Assert.Equal(0.7 * 1 + 0.3 * 3.5, h.Sum, 12); // bucket midpoints 1 and 3.5
        Assert.Equal(0.7 * 1 + 0.3 * 3.5 * 3.5, h.SumSquares, 12);
        Assert.Equal(5, HistogramBuckets.FromDensity(density).Counts.Count); // fewer grid points than buckets: one cell each
    }

    [Fact]
    public void Scalars_histograms_and_images_read_back_with_their_steps_and_wall_times()
    {
        string folder = Path.Combine(Paths.NewTempFolder(), "tb");
        byte[] png = TinyPngHeader(width: 7, height: 5, colorType: 6);
        var buckets = new HistogramBuckets(-1, 2, new[] { 0.5, 2.0 }, new[] { 0.25, 0.75 });
        double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path;
        using (var writer = new EventFileWriter(folder))
        {
            path = writer.Path;
            writer.Scalar("loss/train", 1, 0.125);
            writer.Scalar("loss/train", 2, 1e-3);
            writer.Histogram("hessian/spectral_density", 3, buckets);
            writer.Png("landscape/plane/x", 4, png);
        }
        double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.\d+$", Path.GetFileName(path));
        var events = TensorBoardEventFile.Read(path);
        Assert.Equal(5, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        // Seconds since the epoch (not ticks, not milliseconds), in order, between the clock readings around the writes.
        foreach (var e in events) Assert.InRange(e.WallTime, before - 1, after + 1);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, events.Select(e => e.Step));
        Assert.Equal(("loss/train", 0.125f), (events[1].Values.Single().Tag, events[1].Values.Single().SimpleValue!.Value));
        Assert.Equal(1e-3f, events[2].Values.Single().SimpleValue);
        var histo = events[3].Values.Single().Histo!;
        Assert.Equal((-1.0, 2.0, 1.0), (histo.Min, histo.Max, histo.Num));
        Assert.Equal(new[] { 0.5, 2.0 }, histo.BucketLimit);
        Assert.Equal(new[] { 0.25, 0.75 }, histo.Bucket);
        Assert.Equal(0.25 * -0.25 + 0.75 * 1.25, histo.Sum, 12);
        var image = events[4].Values.Single().Image!;
        Assert.Equal("landscape/plane/x", events[4].Values.Single().Tag);
        Assert.Equal((5, 7, 4), (image.Height, image.Width, image.Colorspace));
        Assert.Equal(png, image.Encoded);
    }

    [Fact]
    public void A_corrupted_byte_fails_the_readers_crc_check()
    {
        string folder = Path.Combine(Paths.NewTempFolder(), "tb");
        string path;
        using (var writer = new EventFileWriter(folder)) { path = writer.Path; writer.Scalar("a", 1, 2); }
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01; // inside the last record's data
        File.WriteAllBytes(path, bytes);
        Assert.Contains("CRC", Assert.Throws<InvalidDataException>(() => TensorBoardEventFile.Read(path)).Message);
    }

    /// <summary>A PNG signature and IHDR chunk (all the writer reads; the CRC of the chunk is not checked).</summary>
    internal static byte[] TinyPngHeader(int width, int height, byte colorType)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' };
        bytes.AddRange(BitConverter.GetBytes(width).Reverse());
        bytes.AddRange(BitConverter.GetBytes(height).Reverse());
        bytes.AddRange(new byte[] { 8, colorType, 0, 0, 0, 0, 0, 0, 0 });
        return bytes.ToArray();
    }
}
