using Lla.Measures;
using Lla.Tests.Support;

namespace Lla.Tests.Measures;

public class ConvolutionSpectralNormTests
{
    public ConvolutionSpectralNormTests() => TestTorch.Init();

    /// <summary>The dense matrix of a linear map on [c_in, h, w] inputs, built by applying it to every unit input (columns).</summary>
    private static Tensor Dense(Func<Tensor, Tensor> map, long channels, long h, long w)
    {
        long n = channels * h * w;
        var columns = new Tensor[n];
        for (long i = 0; i < n; i++)
        {
            var e = zeros(n, dtype: ScalarType.Float64);
            e[i] = 1.0;
            columns[i] = map(e.reshape(1, channels, h, w)).reshape(-1);
        }
        return stack(columns, 1);
    }

    private static double LargestSingularValue(Tensor m) => linalg.svdvals(m).max().ToDouble();

    [Fact]
    public void Dft_norm_is_the_norm_of_the_circular_convolution_and_bounds_the_real_layers()
    {
        var g = new Generator(21);
        var kernel = randn(new long[] { 3, 2, 3, 3 }, dtype: ScalarType.Float64, generator: g);
        const long h = 5, w = 6;
        double dft = ConvolutionSpectralNorm.Compute(kernel, h, w);

        // Circular convolution on the (h + 2) × (w + 2) torus: wrap-pad by kernel − 1, then a valid convolution.
        long p1 = h + 2, p2 = w + 2;
        var circular = Dense(x => nn.functional.conv2d(nn.functional.pad(x, new long[] { 0, 2, 0, 2 }, PaddingModes.Circular), kernel), 2, p1, p2);
        double exact = LargestSingularValue(circular);
        // Both are exact computations of the same number in float64 (an FFT and an SVD of a 192-column matrix): 1e-10 relative.
        Assert.True(Math.Abs(dft - exact) <= 1e-10 * exact, $"DFT {dft} vs dense circular {exact}");

        // The real layers on an h × w input: zero padding 1 (same size), no padding, and stride 2 — all bounded by the DFT value.
        double padded = LargestSingularValue(Dense(x => nn.functional.conv2d(x, kernel, padding: new long[] { 1, 1 }), 2, h, w));
        double valid = LargestSingularValue(Dense(x => nn.functional.conv2d(x, kernel), 2, h, w));
        double strided = LargestSingularValue(Dense(x => nn.functional.conv2d(x, kernel, strides: new long[] { 2, 2 }, padding: new long[] { 1, 1 }), 2, h, w));
        Assert.True(padded <= dft * (1 + 1e-12), $"padded {padded} > DFT {dft}");
        Assert.True(valid <= dft * (1 + 1e-12), $"valid {valid} > DFT {dft}");
        Assert.True(strided <= padded * (1 + 1e-12), $"strided {strided} > padded {padded}");
        // The bound is not vacuous: the same-size layer is within a factor 2 of it here.
        Assert.True(padded > 0.5 * dft, $"padded {padded} vs DFT {dft}");
    }

    [Fact]
    public void Grouped_and_dilated_kernels_match_their_dense_circular_convolution()
    {
        // 4 → 4 channels in 2 groups, 3 × 3 taps dilated by 2 (effective 5 × 5), on a 4 × 5 input: torus 8 × 9.
        var kernel = randn(new long[] { 4, 2, 3, 3 }, dtype: ScalarType.Float64, generator: new Generator(5));
        const long h = 4, w = 5;
        double dft = ConvolutionSpectralNorm.Compute(kernel, h, w, groups: 2, dilation: new long[] { 2, 2 });
        var circular = Dense(x => nn.functional.conv2d(nn.functional.pad(x, new long[] { 0, 4, 0, 4 }, PaddingModes.Circular), kernel,
            dilation: new long[] { 2, 2 }, groups: 2), 4, h + 4, w + 4);
        double exact = LargestSingularValue(circular);
        Assert.True(Math.Abs(dft - exact) <= 1e-10 * exact, $"DFT {dft} vs dense circular {exact}");
        double real = LargestSingularValue(Dense(x => nn.functional.conv2d(x, kernel, padding: new long[] { 2, 2 }, dilation: new long[] { 2, 2 }, groups: 2), 4, h, w));
        Assert.True(real <= dft * (1 + 1e-12), $"real layer {real} > DFT {dft}");
    }

    [Fact]
    public void A_one_by_one_kernel_has_the_norm_of_its_channel_matrix()
    {
        var m = tensor(new double[,] { { 3, 0 }, { 4, 5 } });
        // σ_max of [[3,0],[4,5]]: eigenvalues of MᵀM = [[25,20],[20,25]] are 45 and 5, so √45.
        double norm = ConvolutionSpectralNorm.Compute(m.reshape(2, 2, 1, 1), 4, 4);
        Assert.Equal(Math.Sqrt(45), norm, 12);
    }
}
