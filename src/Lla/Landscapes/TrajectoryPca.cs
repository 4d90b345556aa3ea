using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Landscapes;

/// <summary>The two principal directions of a training trajectory around θ*, and the path's coordinates in their plane.</summary>
public sealed record TrajectoryPlane(DirectionPair Directions, double[] ExplainedVariance, double[][] Path);

/// <summary>
/// PCA of a training trajectory (Li et al.): the rows θ_i − θ* of the saved checkpoints, their top
/// two right singular vectors as unit directions, the share of the variance each explains, and the
/// least-squares coordinates of each checkpoint in the plane of the (possibly normalized) axes.
/// </summary>
public static class TrajectoryPca
{
    public static TrajectoryPlane Fit(ParameterVector theta, IReadOnlyList<ParameterVector> trajectory)
    {
        if (trajectory.Count < 2) throw new LlaException($"PCA axes need at least 2 trajectory checkpoints besides the analysed weights (got {trajectory.Count}); train with {{save-every}}");
        using var scope = NewDisposeScope();
        var rows = stack(trajectory.Select(t => t.Flat.sub(theta.Flat)).ToArray()).to(ScalarType.Float64);
        var (_, s, vh) = linalg.svd(rows, fullMatrices: false);
        var energy = s.pow(2);
        double total = energy.sum().ToDouble();
        if (!(total > 0)) throw new LlaException("the trajectory checkpoints are all equal to the analysed weights: nothing to find directions in");
        var explained = new[] { energy[0].ToDouble() / total, s.shape[0] > 1 ? energy[1].ToDouble() / total : 0 };
        var d1 = new ParameterVector(vh[0].to(theta.Flat.dtype).clone().MoveToOuterDisposeScope(), theta.Layout);
        var d2 = new ParameterVector(vh[1].to(theta.Flat.dtype).clone().MoveToOuterDisposeScope(), theta.Layout);
        var pair = new DirectionPair(d1, d2, "pca", new Dictionary<string, double>
        {
            ["explained_variance_1"] = explained[0], ["explained_variance_2"] = explained[1], ["checkpoints"] = trajectory.Count,
        });
        return new TrajectoryPlane(pair, explained, Array.Empty<double[]>());
    }

    /// <summary>Least-squares coordinates (α, β) of each θ_i − θ* in the plane of d1 and d2.</summary>
    public static double[][] Project(ParameterVector theta, IReadOnlyList<ParameterVector> trajectory, ParameterVector d1, ParameterVector d2)
    {
        using var scope = NewDisposeScope();
        var basis = stack(new[] { d1.Flat, d2.Flat }).to(ScalarType.Float64); // [2, n]
        var gram = basis.mm(basis.t());
        return trajectory.Select(t =>
        {
            var rhs = basis.mv(t.Flat.sub(theta.Flat).to(ScalarType.Float64));
            var c = linalg.solve(gram, rhs).data<double>().ToArray();
            return new[] { c[0], c[1] };
        }).ToArray();
    }
}
