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
    /// ConvTranspose: torch's transposed convolution without padding, then the ONNX pads cropped from
    /// each end (output = stride·(in−1) + output_padding + (k−1)·dilation + 1 − pad_begin − pad_end).
    /// </summary>
    private static Tensor[] ConvTranspose(OnnxNode n)
    {
        Tensor x = n.In(0), w = n.In(1);
        Tensor? b = n.Optional(2);
        int spatial = (int)x.dim() - 2;
        if (spatial < 1 || spatial > 3 || w.dim() != x.dim()) throw n.Error($"gets input of rank {x.dim()} and weight of rank {w.dim()}");
        if (n.Has("output_shape")) throw n.Error("sets output_shape, which Lla.NET does not support (export with explicit pads)");
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        long[] dilations = n.Ints("dilations") ?? Filled(spatial, 1);
        long[] outputPadding = n.Ints("output_padding") ?? Filled(spatial, 0);
        long group = n.Int("group", 1);
        string autoPad = n.String("auto_pad", "NOTSET");
        if (autoPad != "NOTSET" && autoPad != "VALID") throw n.Error($"has auto_pad={autoPad}, which Lla.NET does not support for ConvTranspose");
        long[] pads = autoPad == "VALID" ? new long[2 * spatial] : n.Ints("pads") ?? new long[2 * spatial];
        var zero = Filled(spatial, 0);
        var y = spatial switch
        {
            1 => nn.functional.conv_transpose1d(x, w, b, strides[0], 0, outputPadding[0], dilations[0], group),
            2 => nn.functional.conv_transpose2d(x, w, b, strides, zero, outputPadding, dilations, group),
            _ => nn.functional.conv_transpose3d(x, w, b, strides, zero, outputPadding, dilations, group),
        };
        for (int i = 0; i < spatial; i++)
            if (pads[i] != 0 || pads[spatial + i] != 0)
                y = y.narrow(2 + i, pads[i], y.shape[2 + i] - pads[i] - pads[spatial + i]);
        return One(y);
    }

    private static Tensor[] MaxPool(OnnxNode n)
    {
        var x = n.In(0);
        if (n.OutputCount > 1) throw n.Error("asks for the Indices output, which Lla.NET does not support");
        int spatial = (int)x.dim() - 2;
        long[] kernel = n.Ints("kernel_shape") ?? throw n.Error("has no kernel_shape");
        long[] strides = n.Ints("strides") ?? Filled(spatial, 1);
        long[] dilations = n.Ints("dilations") ?? Filled(spatial, 1);
        bool ceil = n.Int("ceil_mode", 0) != 0;
        long[] pads = Pads(n, x, kernel, strides, dilations);
        long[] padding = pads[..spatial];
        // torch pools pad at most half a kernel on each side, symmetrically; otherwise pad with −∞ first.
        if (!Symmetric(pads) || padding.Where((p, i) => p > kernel[i] / 2).Any())
        {
            x = nn.functional.pad(x, TorchPad(pads), value: double.NegativeInfinity);
            padding = Filled(spatial, 0);
        }
        return One(spatial switch
        {
            1 => nn.functional.max_pool1d(x, kernel[0], strides[0], padding[0], dilations[0], ceil),
            2 => nn.functional.max_pool2d(x, kernel, strides, padding, dilations, ceil),
            3 => nn.functional.max_pool3d(x, kernel, strides, padding, dilations, ceil),
            _ => throw n.Error($"gets an input of rank {x.dim()}"),
        });
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
            if (!countPadding) throw n.Error("pads unevenly without counting the padding, which Lla.NET does not support");
            x = nn.functional.pad(x, TorchPad(pads));
            padding = Filled(spatial, 0);
        }
        return One(spatial switch
        {
            1 => nn.functional.avg_pool1d(x, kernel[0], strides[0], padding[0], ceil, countPadding),
            2 => nn.functional.avg_pool2d(x, kernel, strides, padding, ceil, countPadding),
            3 => nn.functional.avg_pool3d(x, kernel, strides, padding, ceil, countPadding),
            _ => throw n.Error($"gets an input of rank {x.dim()}"),
        });
    }
}
