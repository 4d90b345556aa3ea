using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    /// <summary>Resize (opsets 10 and later; its predecessor Upsample, opsets 7–9, is an older definition kept with the opsets).</summary>
    private static Dictionary<string, Operator> ResizeOperators() => new()
    {
        ["Resize"] = Resize,
    };

    /// <summary>How one axis is resampled: the interpolation, how output coordinates map to input ones, and their options.</summary>
    private sealed record Resampling(string Mode, string Coordinates, string NearestMode, double CubicA, bool ExcludeOutside, bool Antialias);

    /// <summary>
    /// Resize: each axis separably, as ONNX's reference does. Inputs X, roi, scales, sizes (opset 10: X, scales);
    /// with sizes each axis's scale is output/input, with scales the output size is ⌊input·scale⌋. Modes nearest
    /// (nearest_mode round_prefer_floor, round_prefer_ceil, floor, ceil), linear and cubic (cubic_coeff_a,
    /// exclude_outside); coordinate_transformation_mode half_pixel, half_pixel_symmetric, pytorch_half_pixel,
    /// align_corners, asymmetric, tf_half_pixel_for_nn and tf_crop_and_resize (roi, extrapolation_value); from
    /// opset 18 also axes, keep_aspect_ratio_policy and antialias (linear and cubic filters widened by 1/scale when
    /// shrinking). Each axis is a matrix product with the interpolation weights, so autograd differentiates it twice.
    /// </summary>
    private static Tensor[] Resize(OnnxNode n)
    {
        var x = n.In(0);
        bool old = n.Opset <= 10 || n.Inputs.Length == 2;
        Tensor? roi = old ? null : n.Optional(1), scales = old ? n.Optional(1) : n.Optional(2), sizes = old ? null : n.Optional(3);
        var settings = new Resampling(n.String("mode", "nearest"), n.String("coordinate_transformation_mode", old ? "asymmetric" : "half_pixel"),
            n.String("nearest_mode", old ? "floor" : "round_prefer_floor"), n.Float("cubic_coeff_a", -0.75f), n.Int("exclude_outside", 0) != 0,
            n.Int("antialias", 0) != 0);
        long rank = x.dim();
        long[] axes = n.Ints("axes")?.Select(a => Axis(a, rank)).ToArray() ?? Enumerable.Range(0, (int)rank).Select(i => (long)i).ToArray();
        var outputSizes = x.shape.ToArray();
        var factors = Enumerable.Repeat(1.0, (int)rank).ToArray();
        double[] roiStart = new double[rank], roiEnd = Enumerable.Repeat(1.0, (int)rank).ToArray();
        if (roi is not null && roi.numel() > 0)
        {
            var values = roi.to(ScalarType.Float64).cpu().data<double>().ToArray();
            if (values.Length != 2 * axes.Length) throw n.Error($"has {values.Length} roi values for {axes.Length} axes");
            for (int k = 0; k < axes.Length; k++)
            {
                roiStart[axes[k]] = values[k];
                roiEnd[axes[k]] = values[axes.Length + k];
            }
        }
        if (sizes is not null && sizes.numel() > 0)
        {
            long[] given = OnnxTensors.Longs(sizes);
            if (given.Length != axes.Length) throw n.Error($"has {given.Length} sizes for {axes.Length} axes");
            string policy = n.String("keep_aspect_ratio_policy", "stretch");
            var ratios = axes.Select((a, k) => (double)given[k] / x.shape[a]).ToArray();
            double kept = policy switch
            {
                "stretch" => double.NaN,
                "not_larger" => ratios.Min(),
                "not_smaller" => ratios.Max(),
                _ => throw n.Error($"has keep_aspect_ratio_policy \"{policy}\"; ONNX's are stretch, not_larger and not_smaller"),
            };
            for (int k = 0; k < axes.Length; k++)
            {
                long a = axes[k];
                factors[a] = double.IsNaN(kept) ? ratios[k] : kept;
                outputSizes[a] = double.IsNaN(kept) ? given[k] : (long)Math.Floor(kept * x.shape[a] + 0.5);
            }
        }
        else if (scales is not null && scales.numel() > 0)
        {
            var given = scales.to(ScalarType.Float64).cpu().data<double>().ToArray();
            if (given.Length != axes.Length) throw n.Error($"has {given.Length} scales for {axes.Length} axes");
            for (int k = 0; k < axes.Length; k++)
            {
                factors[axes[k]] = given[k];
                outputSizes[axes[k]] = (long)Math.Floor(x.shape[axes[k]] * given[k]);
            }
        }
        else throw n.Error("has neither scales nor sizes");
        return One(Resample(n, x, outputSizes, factors, roiStart, roiEnd, settings, n.Float("extrapolation_value", 0f)));
    }

    private static Tensor Resample(OnnxNode n, Tensor x, long[] sizes, double[] factors, double[] roiStart, double[] roiEnd, Resampling settings, double extrapolation)
    {
        long rank = x.dim();
        Tensor? outside = null;
        for (int axis = 0; axis < rank; axis++)
        {
            long input = x.shape[axis];
            bool identity = sizes[axis] == input && factors[axis] == 1 && settings.Coordinates != "tf_crop_and_resize";
            if (identity) continue;
            var (weights, outsideAxis) = Weights(n, input, sizes[axis], factors[axis], roiStart[axis], roiEnd[axis], settings);
            var matrix = tensor(weights, dtype: x.dtype, device: x.device).reshape(sizes[axis], input);
            x = x.transpose(axis, -1).matmul(matrix.t()).transpose(axis, -1);
            if (outsideAxis.Any(o => o))
            {
                var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
                shape[axis] = sizes[axis];
                var mask = tensor(outsideAxis, device: x.device).reshape(shape);
                outside = outside is null ? mask : outside.logical_or(mask);
            }
        }
        return outside is null ? x.alias() : where(outside, full(Array.Empty<long>(), extrapolation, dtype: x.dtype, device: x.device), x);
    }

    /// <summary>The [output, input] interpolation weights of one axis (row-major) and which outputs fall outside a tf_crop_and_resize region.</summary>
    private static (double[] Weights, bool[] Outside) Weights(OnnxNode n, long input, long output, double scale, double roiStart, double roiEnd, Resampling s)
    {
        var weights = new double[output * input];
        var outside = new bool[output];
        double width = scale * input;
        for (long o = 0; o < output; o++)
        {
            double c = s.Coordinates switch
            {
                "half_pixel" => (o + 0.5) / scale - 0.5,
                "half_pixel_symmetric" => input / 2.0 * (1 - output / width) + (o + 0.5) / scale - 0.5,
                "pytorch_half_pixel" => width > 1 ? (o + 0.5) / scale - 0.5 : 0,
                "align_corners" => width == 1 ? 0 : o * (input - 1) / (width - 1),
                "asymmetric" => o / scale,
                "tf_half_pixel_for_nn" => (o + 0.5) / scale,
                "tf_crop_and_resize" => (width == 1 ? (roiEnd - roiStart) * (input - 1) / 2 : o * (roiEnd - roiStart) * (input - 1) / (width - 1))
                    + roiStart * (input - 1),
                _ => throw n.Error($"has coordinate_transformation_mode \"{s.Coordinates}\", which Lla.NET does not run"),
            };
            if (s.Coordinates == "tf_crop_and_resize" && (c < 0 || c > input - 1))
            {
                outside[o] = true;
                continue;
            }
            var row = new Span<double>(weights, (int)(o * input), (int)input);
            if (s.Mode == "nearest")
            {
                double floor = Math.Floor(c);
                double nearest = s.NearestMode switch
                {
                    "round_prefer_floor" => c - floor == 0.5 ? floor : Math.Round(c, MidpointRounding.AwayFromZero),
                    "round_prefer_ceil" => c - floor == 0.5 ? floor + 1 : Math.Round(c, MidpointRounding.AwayFromZero),
                    "floor" => floor,
                    "ceil" => Math.Ceiling(c),
                    _ => throw n.Error($"has nearest_mode \"{s.NearestMode}\"; ONNX's are round_prefer_floor, round_prefer_ceil, floor and ceil"),
                };
                row[(int)Math.Clamp((long)nearest, 0, input - 1)] = 1;
                continue;
            }
            // Taps left of c and the fraction r ∈ (0, 1] past the nearest left one, as ONNX's reference picks them.
            long left = (long)Math.Floor(c);
            double r = c - left;
            if (r == 0)
            {
                left -= 1;
                r = 1;
            }
            (long Tap, double Weight)[] taps = s.Mode switch
            {
                "linear" or "cubic" when s.Antialias && scale < 1 => AntialiasTaps(left, r, scale, s),
                "linear" => new[] { (left, 1 - r), (left + 1, r) },
                "cubic" => CubicTaps(left, r, s.CubicA),
                _ => throw n.Error($"has mode \"{s.Mode}\"; ONNX's are nearest, linear and cubic"),
            };
            if (s.ExcludeOutside)
            {
                double kept = taps.Where(t => t.Tap >= 0 && t.Tap < input).Sum(t => t.Weight);
                taps = taps.Select(t => (t.Tap, t.Tap >= 0 && t.Tap < input ? t.Weight / kept : 0)).ToArray();
            }
            foreach (var (tap, weight) in taps) row[(int)Math.Clamp(tap, 0, input - 1)] += weight;
        }
        return (weights, outside);
    }

    /// <summary>
    /// Antialiased taps when shrinking (ONNX's reference): the linear or cubic kernel stretched by 1/scale over the
    /// taps left + i, i from ⌊−support/scale⌋ + 1 to 1 − that, at distances (i − r)·scale, normalized to sum 1.
    /// </summary>
    private static (long, double)[] AntialiasTaps(long left, double r, double scale, Resampling s)
    {
        bool linear = s.Mode == "linear";
        int first = (int)Math.Floor((linear ? -1 : -2) / scale) + 1;
        double a = s.CubicA;
        double Kernel(double d)
        {
            d = Math.Abs(d);
            if (linear) return Math.Max(0, 1 - d);
            if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
            return d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
        }
        var taps = Enumerable.Range(first, 2 - 2 * first).Select(i => (left + i, Kernel((i - r) * scale))).ToArray();
        double sum = taps.Sum(t => t.Item2);
        return taps.Select(t => (t.Item1, t.Item2 / sum)).ToArray();
    }

    /// <summary>Keys' cubic convolution weights (coefficient a) of the taps left − 1 … left + 2 at fraction r.</summary>
    private static (long, double)[] CubicTaps(long left, double r, double a)
    {
        double Near(double d) => ((a + 2) * d - (a + 3)) * d * d + 1;
        double Far(double d) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return new[] { (left - 1, Far(r + 1)), (left, Near(r)), (left + 1, Near(1 - r)), (left + 2, Far(2 - r)) };
    }
}
