using System.Globalization;
using static TorchSharp.torch;

namespace Lla.Data.Text;

/// <summary>
/// <c>shift:token-noise:S:DATA</c>: a text dataset with a fraction S (0 &lt; S ≤ 1) of its tokens replaced,
/// deterministically. Of the N · (T + 1) tokens of the N windows (each window's inputs and its last
/// target), exactly round(S · N · (T + 1)) positions, chosen by a seeded permutation, take a different token drawn
/// uniformly from the rest of the vocabulary (the dataset's class count); inputs and targets stay each
/// other's shift by one. The seed is fixed by S and recorded in the description.
/// </summary>
public static class TokenNoise
{
    public const string Kind = "token-noise";
    public const string Prefix = "shift:" + Kind + ":";

    /// <summary>The fraction and the inner spec of <c>shift:token-noise:S:DATA</c>.</summary>
    public static (double Fraction, string Inner) Parse(string spec)
    {
        var parts = spec.Split(':', 4);
        if (parts.Length < 4 || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double s))
            throw new LlaException($"{{data}} '{spec}' must look like shift:token-noise:FRACTION:DATA, e.g. shift:token-noise:0.1:text:FILE");
        if (!(s > 0 && s <= 1)) throw new LlaException($"{{data}} '{spec}': the token-noise fraction must be above 0 and at most 1 (got {parts[2]})");
        return (s, parts[3]);
    }

    public static string Format(double fraction, string inner) => $"{Prefix}{fraction.ToString("R", CultureInfo.InvariantCulture)}:{inner}";

    /// <summary>The seed a fraction uses.</summary>
    public static long SeedOf(double fraction) => 7000L + (long)Math.Round(fraction * 1_000_000);

    /// <summary>A new dataset: <paramref name="data"/>'s windows with a fraction of their tokens replaced.</summary>
    public static Dataset Apply(Dataset data, double fraction)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new LlaException($"the token-noise fraction must be above 0 and at most 1 (got {fraction})");
        if (data.Inputs.dim() != 2 || data.Labels.dim() != 2 || is_floating_point(data.Inputs) || !data.IsClassification)
            throw new LlaException($"token-noise shifts token data (windows of token ids); {data.Description} has samples of shape [{string.Join(",", data.SampleShape)}]");
        long vocabulary = data.NumClasses;
        long seed = SeedOf(fraction);
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        long n = data.Count, t = data.Inputs.shape[1];
        var windows = cat(new[] { data.Inputs, data.Labels.narrow(1, t - 1, 1) }, 1).reshape(-1);
        long replaced = (long)Math.Round(fraction * windows.shape[0]);
        var positions = randperm(windows.shape[0], generator: generator).narrow(0, 0, replaced);
        // A uniform offset in 1..V-1 (mod V) gives a uniform token other than the one replaced.
        var offsets = randint(1, vocabulary, new[] { replaced }, generator: generator, dtype: ScalarType.Int64);
        var noisy = windows.clone();
        noisy.index_put_(windows.index_select(0, positions).add(offsets).remainder(vocabulary), positions);
        var shaped = noisy.reshape(n, t + 1);
        return new Dataset(shaped.narrow(1, 0, t).contiguous().MoveToOuterDisposeScope(), shaped.narrow(1, 1, t).contiguous().MoveToOuterDisposeScope(),
            $"{data.Description}, shifted by token-noise {fraction.ToString("G4", CultureInfo.InvariantCulture)} ({replaced:N0} tokens replaced, seed {seed})", data.NumClasses);
    }
}
