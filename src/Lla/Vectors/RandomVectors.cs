using static TorchSharp.torch;

namespace Lla.Vectors;

/// <summary>Seeded random vectors used as probes and start vectors.</summary>
public static class RandomVectors
{
    public static Tensor Rademacher(long n, ScalarType dtype, Generator generator)
    {
        using var bits = randint(0, 2, new[] { n }, dtype: ScalarType.Int64, generator: generator);
        return bits.to(dtype).mul_(2).sub_(1);
    }

    public static Tensor Gaussian(long n, ScalarType dtype, Generator generator) =>
        randn(n, dtype: dtype, generator: generator);

    /// <summary>Drawn as above (on the generator's device), then moved to <paramref name="device"/>; the draw is owned until moved.</summary>
    public static Tensor Rademacher(long n, ScalarType dtype, Generator generator, Device device)
    {
        using var drawn = Rademacher(n, dtype, generator);
        return drawn.to(device);
    }

    /// <inheritdoc cref="Rademacher(long, ScalarType, Generator, Device)"/>
    public static Tensor Gaussian(long n, ScalarType dtype, Generator generator, Device device)
    {
        using var drawn = Gaussian(n, dtype, generator);
        return drawn.to(device);
    }
}
