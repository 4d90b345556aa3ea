using Lla.Data;
using SkiaSharp;
using static TorchSharp.torch;

namespace Lla.Vision;

/// <summary>How images become tensors: resize the shorter side to <see cref="Size"/>, centre-crop a square, then (x − mean) / std per channel.</summary>
public sealed record ImageTransform(int Size, float[] Mean, float[] Std, bool SkipUnreadable = false)
{
    public static ImageTransform Default => new(32, new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f });

    /// <summary>The largest image side: one 4096×4096 RGB image is 192 MiB as float32.</summary>
    public const int MaxSize = 4096;

    /// <summary>
    /// A transform from its settings as text: the mean and standard deviation as three numbers R,G,B each
    /// (invariant culture: a decimal point, not a comma), all checked here, each mistake naming its setting.
    /// </summary>
    public static ImageTransform Parse(int size, string mean, string std, bool skipUnreadable)
    {
        CheckSize(size);
        var means = Three("image-mean", mean);
        var stds = Three("image-std", std);
        if (stds.Any(s => !(s > 0))) throw new LlaException($"{{image-std}} values must be positive: they divide the pixels (got '{std}')");
        return new(size, means, stds, skipUnreadable);
    }

    /// <summary>--image-size: 1 to <see cref="MaxSize"/>, with what a larger one would cost.</summary>
    public static void CheckSize(int size)
    {
        if (size < 1) throw new LlaException($"{{image-size}} must be at least 1 (got {size})");
        if (size > MaxSize)
            throw new LlaException($"{{image-size}} {size} is too large (at most {MaxSize}): one {size}×{size} image alone would take {Lla.Native.MemoryBudget.Format(3.0 * size * size * sizeof(float))} as float32");
    }

    private static float[] Three(string setting, string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 3) throw new LlaException($"{{{setting}}} takes three numbers R,G,B, comma-separated (got {parts.Length} in '{text}')");
        var values = new float[3];
        for (int i = 0; i < 3; i++)
        {
            if (!float.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new LlaException($"{{{setting}}} takes three numbers R,G,B with a decimal point (got '{parts[i]}' in '{text}')");
            if (!float.IsFinite(values[i])) throw new LlaException($"{{{setting}}} values must be finite numbers (got '{parts[i]}' in '{text}')");
        }
        return values;
    }
}

/// <summary>
/// `folder:DIR`: one sub-folder per class (sorted by name: class 0, 1, …), images decoded with
/// SkiaSharp. If DIR has train/ and test/ (or val/) sub-folders, those are the splits; otherwise DIR
/// itself is the training split and there is no test split. Images become float32 RGB
/// [N, 3, Size, Size] in [0, 1] before the normalization.
/// </summary>
public static class ImageFolderDataset
{
    private static readonly string[] Extensions = { ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp" };

    public static void Register(ImageTransform transform) =>
        DataSpec.Register("folder", (path, split) => Load(path, split, transform), hasTestSplit: path => FindSplit(path, Split.Test) is not null);

    public static Dataset Load(string directory, Split split, ImageTransform transform)
    {
        // val/ is this kind's test split (ImageNet's layout): there is no third one.
        DataSpec.RequireNoValidation(split, $"folder:{directory}");
        InputPaths.RequireFolder(directory, "image folder", "data");
        ImageTransform.CheckSize(transform.Size);
        if (transform.Mean.Length != 3 || transform.Std.Length != 3 || transform.Mean.Any(m => !float.IsFinite(m)) || transform.Std.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new LlaException("{image-mean} and {image-std} take three finite numbers (R,G,B), the standard deviations positive");
        string root = FindSplit(directory, split)
            ?? throw new LlaException($"{directory} has no {(split == Split.Test ? "test/ or val/" : "train/")} folder");
        var classes = Directory.GetDirectories(root).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new LlaException($"{root} has no class folders (one sub-folder per class is expected)");
        var files = new List<(string Path, long Label)>();
        for (int c = 0; c < classes.Length; c++)
            files.AddRange(Directory.GetFiles(classes[c])
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => (f, (long)c)));
        if (files.Count == 0) throw new LlaException($"{root}: the class folders hold no images ({string.Join(", ", Extensions)})");

        int s = transform.Size;
        double values = (double)files.Count * 3 * s * s;
        Lla.Native.MemoryBudget.Require(values * sizeof(float), $"{files.Count} images of {s}×{s} ({{image-size}} {s})");
        if (values > Array.MaxLength)
            throw new LlaException($"{root}: {files.Count} images of {s}×{s} ({{image-size}} {s}) are {values:G3} values, more than one array holds ({Array.MaxLength}): choose a smaller {{image-size}}");
        var pixels = new float[files.Count * 3 * s * s];
        var kept = new List<long>();
        var unreadable = new List<string>();
        foreach (var (path, label) in files)
        {
            // A named pipe, device or dangling link among the images is not opened (a pipe would wait for a writer).
            string? notAFile = InputPaths.NotAFile(path) is string kind ? $"it is {kind}, not a regular file" : null;
            if ((notAFile ?? Decode(path, transform, pixels.AsSpan(kept.Count * 3 * s * s, 3 * s * s))) is string problem)
            {
                if (!transform.SkipUnreadable) throw new LlaException($"{path} is not a readable image ({problem}): fix or remove it, or add {{skip-unreadable}}");
                unreadable.Add(path);
                continue;
            }
            kept.Add(label);
        }
        if (kept.Count == 0) throw new LlaException($"{root}: none of its {files.Count} images is readable");
        var inputs = tensor(pixels.AsSpan(0, kept.Count * 3 * s * s).ToArray()).reshape(kept.Count, 3, s, s);
        var labels = tensor(kept.ToArray());
        string skipped = unreadable.Count == 0 ? "" : $", {unreadable.Count} unreadable image(s) skipped";
        return new Dataset(inputs.DetachFromDisposeScope(), labels.DetachFromDisposeScope(),
            $"{root} ({classes.Length} classes{skipped})", numClasses: classes.Length);
    }

    private static string? FindSplit(string directory, Split split)
    {
        string train = Path.Combine(directory, "train");
        bool hasSplits = Directory.Exists(train);
        if (split == Split.Train) return hasSplits ? train : directory;
        foreach (var name in new[] { "test", "val" })
            if (hasSplits && Directory.Exists(Path.Combine(directory, name))) return Path.Combine(directory, name);
        return null;
    }

    /// <summary>
    /// Decodes one image into planar RGB [3, Size, Size], resized (shorter side) and centre-cropped,
    /// normalized; returns why it could not, or null. A file the decoder reads only in part (cut
    /// short, damaged) is unreadable too, not an image with a grey remainder.
    /// </summary>
    private static string? Decode(string path, ImageTransform t, Span<float> target)
    {
        using var codec = SKCodec.Create(path, out var opened);
        if (codec is null) return $"cannot decode it: {opened}";
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success) return $"decoding stopped: {result}";
        int s = t.Size;
        double scale = (double)s / Math.Min(bitmap.Width, bitmap.Height);
        int w = Math.Max(s, (int)Math.Round(bitmap.Width * scale)), h = Math.Max(s, (int)Math.Round(bitmap.Height * scale));
        using var resized = bitmap.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new LlaException($"{path} could not be resized");
        int x0 = (w - s) / 2, y0 = (h - s) / 2;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                var color = resized.GetPixel(x0 + x, y0 + y);
                target[0 * s * s + y * s + x] = (color.Red / 255f - t.Mean[0]) / t.Std[0];
                target[1 * s * s + y * s + x] = (color.Green / 255f - t.Mean[1]) / t.Std[1];
                target[2 * s * s + y * s + x] = (color.Blue / 255f - t.Mean[2]) / t.Std[2];
            }
        return null;
    }
}
