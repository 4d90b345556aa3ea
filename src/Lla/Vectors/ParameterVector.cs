using static TorchSharp.torch;

namespace Lla.Vectors;

/// <summary>
/// A vector in a model's parameter space: one flat tensor plus the layout that says which slice is
/// which parameter. The linear algebra works on the flat tensor (one kernel per operation).
/// Owns its tensor: dispose it, or create it inside a dispose scope.
/// </summary>
public sealed class ParameterVector : IDisposable
{
    public Tensor Flat { get; }
    public ParameterLayout Layout { get; }

    public ParameterVector(Tensor flat, ParameterLayout layout)
    {
        if (flat.dim() != 1 || flat.shape[0] != layout.Dimension)
            throw new ArgumentException($"flat vector of length {layout.Dimension} expected, got [{string.Join(",", flat.shape)}]");
        Flat = flat;
        Layout = layout;
    }

    public long Dimension => Layout.Dimension;

    public static ParameterVector Zeros(ParameterLayout layout, ScalarType dtype, Device? device = null) =>
        new(zeros(layout.Dimension, dtype: dtype, device: device), layout);

    /// <summary>Standard normal entries (mean 0, variance 1) from a seeded generator.</summary>
    public static ParameterVector Gaussian(ParameterLayout layout, ScalarType dtype, Generator generator, Device? device = null) =>
        new(RandomVectors.Gaussian(layout.Dimension, dtype, generator, device ?? CPU), layout);

    /// <summary>Entries +1 or -1 with equal probability from a seeded generator.</summary>
    public static ParameterVector Rademacher(ParameterLayout layout, ScalarType dtype, Generator generator, Device? device = null) =>
        new(RandomVectors.Rademacher(layout.Dimension, dtype, generator, device ?? CPU), layout);

    public ParameterVector GaussianLike(Generator generator) => Gaussian(Layout, Flat.dtype, generator, Flat.device);
    public ParameterVector RademacherLike(Generator generator) => Rademacher(Layout, Flat.dtype, generator, Flat.device);

    public double Dot(ParameterVector other) { Check(other); return Flat.dot(other.Flat).ToDouble(); }
    public double Norm() => Flat.norm().ToDouble();

    /// <summary>this += alpha * x, in place.</summary>
    public ParameterVector Axpy(double alpha, ParameterVector x) { Check(x); Flat.add_(x.Flat, alpha); return this; }

    /// <summary>this *= alpha, in place.</summary>
    public ParameterVector Scale(double alpha) { Flat.mul_(alpha); return this; }

    public ParameterVector Clone() => new(Flat.clone(), Layout);

    /// <summary>Removes the components along each of <paramref name="basis"/> (Gram-Schmidt, twice for stability), in place.</summary>
    public ParameterVector OrthogonalizeAgainst(IEnumerable<ParameterVector> basis)
    {
        var list = basis.ToList();
        foreach (var b in list) Check(b);
        if (list.Count == 0) return this;
        using var scope = NewDisposeScope();
        using var matrix = stack(list.Select(b => b.Flat).ToArray());
        Orthogonalization.Project(matrix, Flat, normalizedRows: false);
        return this;
    }

    /// <summary>Views of the vector shaped like each parameter (no copy).</summary>
    public Tensor[] Parts()
    {
        var views = new Tensor[Layout.Count];
        for (int i = 0; i < views.Length; i++)
        {
            using var part = Flat.narrow(0, Layout.Offsets[i], Layout.Sizes[i]);
            views[i] = part.view(Layout.Shapes[i]);
        }
        return views;
    }

    private void Check(ParameterVector other)
    {
        if (other.Dimension != Dimension) throw new ArgumentException($"vector dimensions differ: {Dimension} and {other.Dimension}");
    }

    public void Dispose() => Flat.Dispose();
}
