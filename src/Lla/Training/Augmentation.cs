using static TorchSharp.torch;

namespace Lla.Training;

/// <summary>
/// Training-time augmentation of image batches [N, C, H, W]: every sample is shifted by a random
/// whole number of pixels in [−MaxShift, MaxShift] along each axis (zero fill, as a padded random
/// crop) and mirrored left-right with probability ½ when <see cref="Flip"/> is set. Seeded.
/// </summary>
public sealed record Augmentation(int MaxShift = 2, bool Flip = true)
{
    public Tensor Apply(Tensor images, Random random)
    {
        if (images.dim() != 4) throw new LlaException($"augmentation needs image batches [N, C, H, W], got [{string.Join(",", images.shape)}]");
        using var scope = NewDisposeScope();
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        int pad = MaxShift;
        var padded = nn.functional.pad(images, new long[] { pad, pad, pad, pad });
        var samples = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            int dy = random.Next(0, 2 * pad + 1), dx = random.Next(0, 2 * pad + 1);
            var sample = padded[i].narrow(1, dy, h).narrow(2, dx, w);
            if (Flip && random.Next(2) == 1) sample = sample.flip(2);
            samples[i] = sample;
        }
        return stack(samples).MoveToOuterDisposeScope();
    }
}
