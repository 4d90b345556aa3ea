using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    // libtorch aborts the process (no managed exception) on a shape error inside matmul: check first.
    private static void CheckMatMul(OnnxNode n, Tensor a, Tensor b)
    {
        long inner = a.shape[^1], other = b.dim() == 1 ? b.shape[0] : b.shape[^2];
        if (a.dim() == 0 || b.dim() == 0 || inner != other)
            throw n.Error($"multiplies shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}], whose inner sizes differ");
    }

    private static Tensor[] MatMul(OnnxNode n)
    {
        Tensor a = n.In(0), b = n.In(1);
        CheckMatMul(n, a, b);
        return One(a.matmul(b));
    }

    /// <summary>Gemm: Y = α·A'·B' + β·C with A' = Aᵀ if transA, B' = Bᵀ if transB, C broadcast.</summary>
    private static Tensor[] Gemm(OnnxNode n)
    {
        Tensor a = n.In(0), b = n.In(1);
        if (a.dim() != 2 || b.dim() != 2) throw n.Error("needs 2-D inputs");
        if (n.Int("transA", 0) != 0) a = a.t();
        if (n.Int("transB", 0) != 0) b = b.t();
        CheckMatMul(n, a, b);
        double alpha = n.Float("alpha", 1f), beta = n.Float("beta", 1f);
        var y = a.matmul(b);
        if (alpha != 1.0) y = y * alpha;
        if (n.Optional(2) is { } c) y = beta == 1.0 ? y + c : y + beta * c;
        return One(y);
    }

    /// <summary>
    /// The explicit padding [x1_begin, x2_begin, …, x1_end, x2_end, …] of a convolution or pooling
    /// over <paramref name="spatial"/> axes, from <c>pads</c> or from <c>auto_pad</c>
    /// (SAME_UPPER/SAME_LOWER pad so that output = ⌈input/stride⌉, the odd pixel at the end or the start).
    /// </summary>
    private static long[] Pads(OnnxNode n, Tensor x, long[] kernel, long[] strides, long[] dilations)
    {
        int spatial = kernel.Length;
        string autoPad = n.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET":
                var pads = n.Ints("pads") ?? new long[2 * spatial];
                if (pads.Length != 2 * spatial) throw n.Error($"has {pads.Length} pads for {spatial} spatial axes");
                return pads;
            case "VALID":
                return new long[2 * spatial];
            case "SAME_UPPER":
            case "SAME_LOWER":
                var result = new long[2 * spatial];
                for (int i = 0; i < spatial; i++)
                {
                    long input = x.shape[2 + i];
                    long output = (input + strides[i] - 1) / strides[i];
                    long total = Math.Max(0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input);
                    long small = total / 2, large = total - small;
                    (result[i], result[spatial + i]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
                }
                return result;
            default:
                throw n.Error($"has auto_pad={autoPad}, which is not an ONNX padding mode");
        }
    }

    private static bool Symmetric(long[] pads) =>
        Enumerable.Range(0, pads.Length / 2).All(i => pads[i] == pads[pads.Length / 2 + i]);

    /// <summary>ONNX pads [b1, b2, …, e1, e2, …] for the last axes as torch's pad list (last axis first: b_last, e_last, …).</summary>
    private static long[] TorchPad(long[] pads)
    {
        int k = pads.Length / 2;
        var result = new long[pads.Length];
        for (int i = 0; i < k; i++)
        {
            result[2 * i] = pads[k - 1 - i];
            result[2 * i + 1] = pads[2 * k - 1 - i];
        }
        return result;
    }

    private static long[] Filled(int count, long value) => Enumerable.Repeat(value, count).ToArray();

    private static Tensor[] Conv(OnnxNode n)
    {
        Tensor x = n.In(0), w = n.In(1);
        Tensor? b = n.Optional(2);
        int spatial = (int)x.dim() - 2;
        if (spatial < 1 || spatial > 3 || w.dim() != x.dim()) throw n.Error($"gets input of rank {x.dim()} and weight of rank {w.dim()}");
        long[] kernel = w.shape[2..];
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        long[] dilations = n.Ints("dilations") ?? Filled(spatial, 1);
        long group = n.Int("group", 1);
        if (x.shape[1] != w.shape[1] * group)
            throw n.Error($"gets {x.shape[1]} input channels but its weight expects {w.shape[1] * group}");
        long[] pads = Pads(n, x, kernel, strides, dilations);
        long[] padding = pads[..spatial];
        if (!Symmetric(pads))
        {
            x = nn.functional.pad(x, TorchPad(pads));
            padding = Filled(spatial, 0);
        }
        return One(spatial switch
        {
            1 => nn.functional.conv1d(x, w, b, strides[0], padding[0], dilations[0], group),
            2 => nn.functional.conv2d(x, w, b, strides, padding, dilations, group),
            _ => nn.functional.conv3d(x, w, b, strides, padding, dilations, group),
        });
    }

    /// <summary>
    /// ConvTranspose: torch's transposed convolution without padding or bias, then the ONNX pads cropped
    /// from each end (output = stride·(in−1) + output_padding + (k−1)·dilation + 1 − pad_begin − pad_end), then
    /// the bias. With <c>output_shape</c> or <c>auto_pad</c> SAME_UPPER/SAME_LOWER (output = in·stride) the pads
    /// come from the wanted size as the ONNX specification computes them; a negative pad extends the output.
    /// </summary>
    private static Tensor[] ConvTranspose(OnnxNode n)
    {
        Tensor x = n.In(0), w = n.In(1);
        Tensor? b = n.Optional(2);
        int spatial = (int)x.dim() - 2;
        if (spatial < 1 || spatial > 3 || w.dim() != x.dim()) throw n.Error($"gets input of rank {x.dim()} and weight of rank {w.dim()}");
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        long[] dilations = n.Ints("dilations") ?? Filled(spatial, 1);
        long[] outputPadding = n.Ints("output_padding") ?? Filled(spatial, 0);
        long group = n.Int("group", 1);
        string autoPad = n.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER")) throw n.Error($"has auto_pad={autoPad}, which is not an ONNX padding mode");
        long[] kernel = w.shape[2..];
        long[]? target = n.Ints("output_shape") is { } shape ? shape[^spatial..]
            : autoPad is "SAME_UPPER" or "SAME_LOWER" ? Enumerable.Range(0, spatial).Select(i => x.shape[2 + i] * strides[i]).ToArray() : null;
        long[] pads = autoPad == "VALID" ? new long[2 * spatial] : n.Ints("pads") ?? new long[2 * spatial];
        if (target is not null)
            for (int i = 0; i < spatial; i++)
            {
                long full = strides[i] * (x.shape[2 + i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1;
                long total = full - target[i], half = (long)Math.Floor(total / 2.0);
                (pads[i], pads[spatial + i]) = autoPad == "SAME_UPPER" ? (half, total - half) : (total - half, half);
            }
        var zero = Filled(spatial, 0);
        var y = spatial switch
        {
            1 => nn.functional.conv_transpose1d(x, w, null, strides[0], 0, outputPadding[0], dilations[0], group),
            2 => nn.functional.conv_transpose2d(x, w, null, strides, zero, outputPadding, dilations, group),
            _ => nn.functional.conv_transpose3d(x, w, null, strides, zero, outputPadding, dilations, group),
        };
        // torch's pad crops where negative: minus the ONNX pads crops them, and a negative ONNX pad adds zeros.
        if (pads.Any(p => p != 0)) y = nn.functional.pad(y, TorchPad(pads.Select(p => -p).ToArray()));
        if (b is not null) y = y + b.reshape(new[] { 1L, b.numel() }.Concat(Filled(spatial, 1)).ToArray());
        return One(y);
    }

    /// <summary>
    /// MaxPool, and its optional Indices output: each maximum's position in the whole input tensor flattened
    /// row-major (storage_order 0) or with the spatial axes column-major (storage_order 1), as ONNX defines it.
    /// </summary>
    private static Tensor[] MaxPool(OnnxNode n)
    {
        var x = n.In(0);
        int spatial = (int)x.dim() - 2;
        long[] kernel = n.Ints("kernel_shape") ?? throw n.Error("has no kernel_shape");
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        long[] dilations = n.Ints("dilations") ?? Filled(spatial, 1);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        bool indices = n.OutputCount > 1 && n.Proto.Output[1].Length > 0;
        long[] pads = Pads(n, x, kernel, strides, dilations);
        long[] padding = pads[..spatial];
        // torch pools pad at most half a kernel on each side, symmetrically; otherwise pad with −∞ first.
        if (!Symmetric(pads) || padding.Where((p, i) => p > kernel[i] / 2).Any())
        {
            if (indices) throw n.Error("asks for the Indices output with padding torch cannot apply itself, which Lla.NET does not support");
            x = nn.functional.pad(x, TorchPad(pads), value: double.NegativeInfinity);
            padding = Filled(spatial, 0);
        }
        if (!indices)
            return One(spatial switch
            {
                1 => nn.functional.max_pool1d(x, kernel[0], strides[0], padding[0], dilations[0], ceil),
                2 => nn.functional.max_pool2d(x, kernel, strides, padding, dilations, ceil),
                3 => nn.functional.max_pool3d(x, kernel, strides, padding, dilations, ceil),
                _ => throw n.Error($"gets an input of rank {x.dim()}"),
            });
        var (y, within) = spatial switch
        {
            1 => nn.functional.max_pool1d_with_indices(x, kernel[0], strides[0], padding[0], dilations[0], ceil),
            2 => nn.functional.max_pool2d_with_indices(x, kernel, strides, padding, dilations, ceil),
            3 => nn.functional.max_pool3d_with_indices(x, kernel, strides, padding, dilations, ceil),
            _ => throw n.Error($"gets an input of rank {x.dim()}"),
        };
        return new[] { y, FlatIndices(x, within, n.Int("storage_order", 0) != 0) };
    }

    /// <summary>torch's per-plane row-major indices as ONNX's indices into the whole tensor (column-major planes if asked).</summary>
    private static Tensor FlatIndices(Tensor x, Tensor within, bool columnMajor)
    {
        long[] sizes = x.shape[2..];
        long plane = sizes.Aggregate(1L, (a, b) => a * b);
        var index = within;
        if (columnMajor)
        {
            // Row-major coordinates (i1, …, ik), last first, placed column-major: i1 + s1·i2 + s1·s2·i3 + ….
            var rest = within;
            index = zeros_like(within);
            for (int d = sizes.Length - 1; d >= 0; d--)
            {
                index = index + rest.remainder(sizes[d]) * sizes[..d].Aggregate(1L, (a, b) => a * b);
                rest = rest.div(sizes[d], rounding_mode: RoundingMode.floor);
            }
        }
        var planes = arange(x.shape[0] * x.shape[1], dtype: ScalarType.Int64, device: x.device).reshape(x.shape[0], x.shape[1]) * plane;
        return index + planes.reshape(new[] { x.shape[0], x.shape[1] }.Concat(Filled(sizes.Length, 1)).ToArray());
    }

    private static Tensor[] AveragePool(OnnxNode n)
    {
        var x = n.In(0);
        int spatial = (int)x.dim() - 2;
        long[] kernel = n.Ints("kernel_shape") ?? throw n.Error("has no kernel_shape");
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        bool countPadding = n.Int("count_include_pad", 0) != 0;
        long[] pads = Pads(n, x, kernel, strides, Filled(spatial, 1));
        long[] padding = pads[..spatial];
        if (!Symmetric(pads) || padding.Where((p, i) => p > kernel[i] / 2).Any())
        {
            var padded = nn.functional.pad(x, TorchPad(pads));
            var zero = Filled(spatial, 0);
            if (countPadding) return One(AveragePool(n, padded, kernel, strides, zero, ceil, true));
            // Without the padding counted: the windows' sums over the number of input (not padding) cells in them.
            var cells = nn.functional.pad(ones_like(x), TorchPad(pads));
            return One(AveragePool(n, padded, kernel, strides, zero, ceil, true) / AveragePool(n, cells, kernel, strides, zero, ceil, true));
        }
        return One(AveragePool(n, x, kernel, strides, padding, ceil, countPadding));
    }

    private static Tensor AveragePool(OnnxNode n, Tensor x, long[] kernel, long[] strides, long[] padding, bool ceil, bool countPadding) =>
        (x.dim() - 2) switch
        {
            1 => nn.functional.avg_pool1d(x, kernel[0], strides[0], padding[0], ceil, countPadding),
            2 => nn.functional.avg_pool2d(x, kernel, strides, padding, ceil, countPadding),
            3 => nn.functional.avg_pool3d(x, kernel, strides, padding, ceil, countPadding),
            _ => throw n.Error($"gets an input of rank {x.dim()}"),
        };
}
