using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

internal static partial class OnnxOperators
{
    private static Dictionary<string, Operator> GridSampleOperators() => new()
    {
        ["GridSample"] = GridSample,
    };

    /// <summary>
    /// GridSample (opset 16, 4-D input; as PyTorch's grid_sample): samples X [N, C, H, W] at grid [N, Ho, Wo, 2]
    /// holding (x, y) in [−1, 1]. Modes bilinear, nearest (half to even) and bicubic (also opset 20's linear and
    /// cubic); padding zeros, border or reflection; align_corners. Built from gathers and arithmetic rather than
    /// torch's grid_sample, whose backward libtorch cannot differentiate again.
    /// </summary>
    private static Tensor[] GridSample(OnnxNode n)
    {
        Tensor x = n.In(0), grid = n.In(1);
        if (x.dim() != 4 || grid.dim() != 4 || grid.shape[^1] != 2 || grid.shape[0] != x.shape[0])
            throw n.Error($"samples an input of shape [{string.Join(", ", x.shape)}] at a grid of shape [{string.Join(", ", grid.shape)}]; Lla.NET runs the 2-D form only");
        string mode = n.String("mode", "bilinear"), padding = n.String("padding_mode", "zeros");
        bool corners = n.Int("align_corners", 0) != 0;
        if (padding is not ("zeros" or "border" or "reflection")) throw n.Error($"has padding_mode \"{padding}\"; ONNX's are zeros, border and reflection");
        long height = x.shape[2], width = x.shape[3];
        var gx = Unnormalize(grid.select(-1, 0), width, corners);
        var gy = Unnormalize(grid.select(-1, 1), height, corners);
        switch (mode)
        {
            case "bilinear" or "linear":
            {
                gx = PadCoordinates(gx, width, padding, corners);
                gy = PadCoordinates(gy, height, padding, corners);
                Tensor x0 = gx.floor().detach(), y0 = gy.floor().detach();
                Tensor fx = gx - x0, fy = gy - y0;
                var result = Tap(x, y0, x0) * (1 - fx) * (1 - fy) + Tap(x, y0, x0 + 1) * fx * (1 - fy)
                    + Tap(x, y0 + 1, x0) * (1 - fx) * fy + Tap(x, y0 + 1, x0 + 1) * fx * fy;
                return One(result);
            }
            case "nearest":
                return One(Tap(x, PadCoordinates(gy, height, padding, corners).round().detach(), PadCoordinates(gx, width, padding, corners).round().detach()));
            case "bicubic" or "cubic":
            {
                Tensor x0 = gx.floor().detach(), y0 = gy.floor().detach();
                Tensor fx = gx - x0, fy = gy - y0;
                var wx = CubicWeights(fx);
                var wy = CubicWeights(fy);
                Tensor? result = null;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        // Each tap's own coordinate is padded (torch's bicubic), not the sampling point.
                        var ty = PadCoordinates(y0 + (i - 1), height, padding, corners).round();
                        var tx = PadCoordinates(x0 + (j - 1), width, padding, corners).round();
                        var term = Tap(x, ty.detach(), tx.detach()) * wx[j] * wy[i];
                        result = result is null ? term : result + term;
                    }
                return One(result!);
            }
            default:
                throw n.Error($"has mode \"{mode}\"; ONNX's are bilinear, nearest and bicubic");
        }
    }

    private static Tensor Unnormalize(Tensor g, long size, bool corners) =>
        corners ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;

    /// <summary>Source coordinates under the padding mode: zeros leaves them (taps outside read 0), border clips, reflection reflects.</summary>
    private static Tensor PadCoordinates(Tensor c, long size, string padding, bool corners)
    {
        if (padding == "border") return c.clamp(0.0, (double)(size - 1));
        if (padding != "reflection") return c;
        var reflected = corners ? Reflect(c, 0, 2 * (size - 1)) : Reflect(c, -1, 2 * size - 1);
        return reflected.clamp(0.0, (double)(size - 1));
    }

    /// <summary>Reflects coordinates into [low/2, high/2] (torch's reflect_coordinates, bounds given doubled).</summary>
    private static Tensor Reflect(Tensor c, long twiceLow, long twiceHigh)
    {
        if (twiceLow == twiceHigh) return zeros_like(c);
        double min = twiceLow / 2.0, span = (twiceHigh - twiceLow) / 2.0;
        var distance = (c - min).abs();
        var extra = distance.fmod(span);
        var even = (distance / span).floor().remainder(2).eq(0);
        return where(even, extra + min, span - extra + min);
    }

    /// <summary>X at integer source coordinates (y, x) [N, Ho, Wo] for every channel: [N, C, Ho, Wo], 0 outside the image.</summary>
    private static Tensor Tap(Tensor x, Tensor y, Tensor xs)
    {
        long n = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
        var inside = (xs >= 0).logical_and(xs <= width - 1).logical_and(y >= 0).logical_and(y <= height - 1);
        var index = (y.clamp(0.0, (double)(height - 1)) * width + xs.clamp(0.0, (double)(width - 1))).to(ScalarType.Int64);
        long points = index.shape[1] * index.shape[2];
        var values = x.reshape(n, c, height * width).gather(2, index.reshape(n, 1, points).expand(n, c, points)).reshape(n, c, index.shape[1], index.shape[2]);
        return values * inside.unsqueeze(1).to(x.dtype);
    }

    /// <summary>The cubic convolution weights (a = −0.75, as torch's) of the taps −1 … 2 at fraction t.</summary>
    private static Tensor[] CubicWeights(Tensor t)
    {
        const double a = -0.75;
        Tensor Near(Tensor d) => ((a + 2) * d - (a + 3)) * d * d + 1;
        Tensor Far(Tensor d) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        return new[] { Far(t + 1), Near(t), Near(1 - t), Far(2 - t) };
    }
}
