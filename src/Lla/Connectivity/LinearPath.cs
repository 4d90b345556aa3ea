using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// The straight path θ(t) = (1 − t)θ_A + tθ_B between two models of one architecture (Frankle et al. 2020;
/// METHOD.md "Mode connectivity") and its loss barrier.
/// </summary>
public static class LinearPath
{
    /// <summary>
    /// The point at t, computed entry-wise with torch.lerp, which forms a + t(b − a) for t &lt; 1/2 and
    /// b − (b − a)(1 − t) otherwise: θ(0) = θ_A and θ(1) = θ_B exactly, and θ(t) = θ_A for every t when θ_B = θ_A.
    /// BatchNorm running statistics are interpolated the same way (used by <see cref="PathBatchNorm.Eval"/>);
    /// integer buffers come from A.
    /// </summary>
    public static ModelState Point(PathEnds ends, double t) =>
        ends.A.Combine(ends.B, (a, b) => a.lerp(b, tensor(t, dtype: a.dtype)));

    /// <summary>
    /// Loss and accuracy along the path at <see cref="PathOptions.Points"/> values of t, and the barriers.
    /// <paramref name="workspace"/> is any model of the ends' architecture (model A itself will do); it is restored afterwards.
    /// </summary>
    public static PathResult Evaluate(nn.Module<Tensor, Tensor> workspace, PathEnds ends, PathData data, PathOptions? options = null,
        Action<int, int>? progress = null)
    {
        using (var w = ModelState.Of(workspace)) ends.A.RequireSameArchitecture(w, "the path's ends", "the workspace model");
        return PathEvaluator.Evaluate(workspace, t => Point(ends, t), PathMethod.Linear, ends.Aligned, data, options ?? new PathOptions(), progress);
    }

    /// <summary>The path from <paramref name="modelA"/> to <paramref name="modelB"/> (unaligned), using model A as the workspace.</summary>
    public static PathResult Evaluate(nn.Module<Tensor, Tensor> modelA, nn.Module<Tensor, Tensor> modelB, PathData data,
        PathOptions? options = null, Action<int, int>? progress = null)
    {
        var ends = PathEnds.Of(modelA, modelB);
        try { return Evaluate(modelA, ends, data, options, progress); }
        finally { ends.A.Dispose(); ends.B.Dispose(); }
    }
}
