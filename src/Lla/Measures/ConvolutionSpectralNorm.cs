using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// The spectral norm of a 2-D convolution by the DFT method of Sedghi, Gupta and Long (2019): the
/// circular convolution of a kernel W[c_out, c_in, kh, kw] on an n1 × n2 torus is block-diagonalized
/// by the 2-D DFT, with blocks K(ω) = Σ_{a,b} W[:, :, a, b]·e^{−2πi(a ω1/n1 + b ω2/n2)}, so its singular
/// values are those of the n1·n2 matrices K(ω) and its norm is max_ω σ_max(K(ω)).
/// <para>With n = input size + kernel size − 1 per dimension, the real zero-padded layer (any padding up
/// to kernel − 1, any stride) is a restriction of that circular convolution to a subspace followed by
/// a selection of outputs, so this value bounds its norm from above; strided layers get the stride-1
/// value (also an upper bound).</para>
/// <para>A dilated kernel is first spread out (zeros between its taps); a grouped convolution is block
/// diagonal over its groups, so its norm is the largest of the groups' norms.</para>
/// </summary>
public static class ConvolutionSpectralNorm
{
    /// <summary>The norm of a (possibly grouped, possibly dilated) convolution: see the class comment.</summary>
    public static double Compute(Tensor weight, long inputHeight, long inputWidth, long groups, long[]? dilation)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var kernel = weight.detach();
        if (dilation is { Length: 2 } && (dilation[0] != 1 || dilation[1] != 1))
        {
            long kh = kernel.shape[2], kw = kernel.shape[3];
            var spread = zeros(new[] { kernel.shape[0], kernel.shape[1], (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1 }, dtype: kernel.dtype, device: kernel.device);
            for (long a = 0; a < kh; a++)
                for (long b = 0; b < kw; b++)
                    spread[.., .., a * dilation[0], b * dilation[1]] = kernel[.., .., a, b];
            kernel = spread;
        }
        if (groups <= 1) return Compute(kernel, inputHeight, inputWidth);
        if (kernel.shape[0] % groups != 0) throw new ArgumentException("the output channels do not split into the groups");
        return kernel.chunk(groups, 0).Max(k => Compute(k, inputHeight, inputWidth));
    }

    /// <summary>max_ω σ_max(K(ω)) on the (inputHeight + kh − 1) × (inputWidth + kw − 1) frequency grid.</summary>
    public static double Compute(Tensor weight, long inputHeight, long inputWidth)
    {
        if (weight.dim() != 4) throw new ArgumentException("a convolution kernel [c_out, c_in, kh, kw] is expected");
        if (inputHeight < 1 || inputWidth < 1) throw new ArgumentException("the input size must be positive");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long n1 = inputHeight + weight.shape[2] - 1, n2 = inputWidth + weight.shape[3] - 1;
        // fft2 with s = (n1, n2) zero-pads the kernel to the grid; blocks indexed by frequency first.
        var blocks = fft.fft2(weight.detach(), s: new[] { n1, n2 }, dim: new long[] { 2, 3 }).permute(2, 3, 0, 1);
        return linalg.svdvals(blocks).max().ToDouble();
    }
}
