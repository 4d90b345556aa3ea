using static TorchSharp.torch;

namespace Lla.Data;

/// <summary>
/// Distribution shifts of an image dataset, each with severities 1–5, deterministic: every random
/// choice takes a seed fixed by the kind and severity, so the same shifted set comes back every
/// time. Inputs are images [N, C, H, W]; values are clamped to the data's own original range.
/// </summary>
public static class Shifts
{
    public static readonly string[] Kinds = { "noise", "blur", "rotation", "contrast", "brightness", "inversion", "pixelation", "occlusion" };

    /// <summary>The seed a kind and severity use (recorded in the dataset's description).</summary>
    public static long SeedOf(string kind, int severity) => 1000L * (Array.IndexOf(Kinds, kind) + 1) + severity;

    /// <summary>A new dataset: the shifted inputs and the same labels.</summary>
    public static Dataset Apply(Dataset data, string kind, int severity)
    {
        if (!Kinds.Contains(kind)) throw new LlaException($"unknown shift '{kind}' (known: {string.Join(", ", Kinds)})");
        if (severity is < 1 or > 5) throw new LlaException($"shift severity must be 1 to 5 (got {severity})");
        if (data.Inputs.dim() != 4) throw new LlaException($"shifts need image data [N, C, H, W]; {data.Description} has samples of shape [{string.Join(",", data.SampleShape)}]");
        long seed = SeedOf(kind, severity);
        var generator = new Generator((ulong)seed);
        int s = severity - 1;
        using var scope = NewDisposeScope();
        var x = data.Inputs;
        double lo = x.min().ToDouble(), hi = x.max().ToDouble();
        Tensor y = kind switch
        {
            "noise" => x + randn(x.shape, generator: generator) * new[] { 0.04, 0.08, 0.12, 0.18, 0.26 }[s] * (hi - lo),
            "blur" => Blur(x, new[] { 0.5, 0.75, 1.0, 1.5, 2.0 }[s]),
            "rotation" => Rotate(x, new[] { 5.0, 10, 15, 25, 35 }[s], generator),
            "contrast" => Contrast(x, new[] { 0.8, 0.6, 0.45, 0.3, 0.2 }[s]),
            "brightness" => x + new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }[s] * (hi - lo),
            "inversion" => x * (1 - new[] { 0.2, 0.4, 0.6, 0.8, 1.0 }[s]) + (lo + hi - x) * new[] { 0.2, 0.4, 0.6, 0.8, 1.0 }[s],
            "pixelation" => Pixelate(x, new[] { 2, 3, 4, 5, 7 }[s]),
            _ => Occlude(x, new[] { 0.15, 0.25, 0.35, 0.45, 0.55 }[s], lo, generator),
        };
        y = y.clamp(lo, hi).to(x.dtype);
        return new Dataset(y.MoveToOuterDisposeScope(), data.Labels.clone().MoveToOuterDisposeScope(),
            $"{data.Description}, shifted by {kind} severity {severity} (seed {seed})", data.NumClasses);
    }

    private static Tensor Blur(Tensor x, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var k = arange(-radius, radius + 1, dtype: ScalarType.Float32);
        k = exp(-(k * k) / (2 * sigma * sigma));
        k = k / k.sum();
        long c = x.shape[1];
        var horizontal = k.reshape(1, 1, 1, -1).expand(c, 1, 1, k.shape[0]).contiguous();
        var vertical = k.reshape(1, 1, -1, 1).expand(c, 1, k.shape[0], 1).contiguous();
        var padded = nn.functional.pad(x, new long[] { radius, radius, radius, radius }, PaddingModes.Replicate);
        var h = nn.functional.conv2d(padded, horizontal, groups: c);
        return nn.functional.conv2d(h, vertical, groups: c);
    }

    private static Tensor Rotate(Tensor x, double degrees, Generator generator)
    {
        long n = x.shape[0];
        // Each image turns by ±degrees (sign drawn per image).
        var sign = randint(0, 2, new[] { n }, generator: generator).to(ScalarType.Float32) * 2 - 1;
        var angle = sign * (degrees * Math.PI / 180);
        var cos = angle.cos(); var sin = angle.sin(); var zero = zeros_like(angle);
        var theta = stack(new[] { stack(new[] { cos, -sin, zero }, 1), stack(new[] { sin, cos, zero }, 1) }, 1);
        var grid = nn.functional.affine_grid(theta, x.shape, align_corners: false);
        var background = x.amin(new long[] { 1, 2, 3 }, keepdim: true);
        // Pixels that come from outside the image take each image's darkest value.
        var shifted = x - background;
        return nn.functional.grid_sample(shifted, grid, align_corners: false) + background;
    }

    private static Tensor Contrast(Tensor x, double factor)
    {
        var mean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        return (x - mean) * factor + mean;
    }

    /// <summary>Averages blocks of about <paramref name="block"/>×<paramref name="block"/> pixels and scales back up.</summary>
    private static Tensor Pixelate(Tensor x, int block)
    {
        long h = x.shape[2], w = x.shape[3];
        var small = nn.functional.interpolate(x, new[] { Math.Max(1, (h + block - 1) / block), Math.Max(1, (w + block - 1) / block) }, mode: InterpolationMode.Area);
        return nn.functional.interpolate(small, new[] { h, w }, mode: InterpolationMode.Nearest);
    }

    private static Tensor Occlude(Tensor x, double fraction, double fill, Generator generator)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        long side = Math.Max(1, (long)Math.Round(fraction * Math.Min(h, w)));
        var top = randint(0, h - side + 1, new[] { n }, generator: generator);
        var left = randint(0, w - side + 1, new[] { n }, generator: generator);
        var rows = arange(h).reshape(1, h, 1);
        var cols = arange(w).reshape(1, 1, w);
        var t = top.reshape(n, 1, 1); var l = left.reshape(n, 1, 1);
        var inside = (rows >= t).logical_and(rows < t + side).logical_and(cols >= l).logical_and(cols < l + side).unsqueeze(1);
        return x.masked_fill(inside, fill);
    }
}
