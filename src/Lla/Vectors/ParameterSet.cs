using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Vectors;

/// <summary>
/// The trainable parameters of a model that an analysis works on (all of them, or a chosen block),
/// in <c>named_parameters()</c> order. Reads them out as one flat vector and writes one back.
/// </summary>
public sealed class ParameterSet
{
    public IReadOnlyList<Parameter> Parameters { get; }
    public ParameterLayout Layout { get; }

    private ParameterSet(IReadOnlyList<(string Name, Parameter P)> chosen)
    {
        Parameters = chosen.Select(c => c.P).ToArray();
        Layout = new ParameterLayout(chosen.Select(c => c.Name).ToArray(), chosen.Select(c => c.P.shape).ToArray());
    }

    /// <summary>Trainable parameters of <paramref name="model"/>, optionally only those whose name passes <paramref name="include"/>.</summary>
    public static ParameterSet Of(nn.Module model, Func<string, bool>? include = null)
    {
        var chosen = model.named_parameters()
            .Where(p => p.parameter.requires_grad && (include == null || include(p.name)))
            .Select(p => (p.name, p.parameter))
            .ToList();
        if (chosen.Count == 0) throw new LlaException("no trainable parameter matches the selection (see the model's parameter names)");
        return new ParameterSet(chosen);
    }

    public long Dimension => Layout.Dimension;
    public ScalarType DType => Parameters[0].dtype;
    public Device Device => Parameters[0].device;

    /// <summary>Refuses a vector an operator on these parameters cannot take (wrong length or element type).</summary>
    public void RequireVector(Tensor v)
    {
        if (v.dim() != 1 || v.shape[0] != Dimension)
            throw new ArgumentException($"vector of length {Dimension} expected, got [{string.Join(",", v.shape)}]");
        if (v.dtype != DType) throw new ArgumentException($"vector dtype {v.dtype} differs from the parameters' {DType}");
    }

    /// <summary>A detached flat copy of the current parameter values.</summary>
    public Tensor Flatten()
    {
        using var _ = no_grad();
        // A copy in every case: with a single parameter, cat and reshape may hand back a view of it.
        return cat(Parameters.Select(p => p.detach().reshape(-1)).ToArray()).clone().detach();
    }

    /// <summary>Flattens per-parameter tensors of this set's shapes (gradients, HVPs) into one vector.</summary>
    public Tensor FlattenLike(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count != Parameters.Count) throw new ArgumentException("wrong number of parts");
        return cat(parts.Select(p => p.reshape(-1)).ToArray());
    }

    /// <summary>Views of a flat vector shaped like each parameter (no copy).</summary>
    public Tensor[] Unflatten(Tensor flat)
    {
        if (flat.shape.Length != 1 || flat.shape[0] != Dimension)
            throw new ArgumentException($"vector of length {Dimension} expected, got [{string.Join(",", flat.shape)}]");
        var views = new Tensor[Parameters.Count];
        for (int i = 0; i < views.Length; i++)
        {
            using var part = flat.narrow(0, Layout.Offsets[i], Layout.Sizes[i]);
            views[i] = part.view(Layout.Shapes[i]);
        }
        return views;
    }

    /// <summary>Sets the parameters to the values of a flat vector (exactly, no accumulation).</summary>
    public void Assign(Tensor flat)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var views = Unflatten(flat);
        for (int i = 0; i < views.Length; i++) Parameters[i].copy_(views[i]);
    }
}
