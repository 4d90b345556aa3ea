using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The parameters of one layer, e.g. "fc1" = fc1.weight and fc1.bias: the block H_ll of a per-layer
/// spectrum. <see cref="Includes"/> is a name filter for <see cref="ParameterSet.Of"/>.
/// </summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<string> ParameterNames)
{
    public bool Includes(string parameterName) => ParameterNames.Contains(parameterName);

    /// <summary>This group's parameters of <paramref name="model"/> as a block for the curvature operators.</summary>
    public ParameterSet Of(nn.Module model) => ParameterSet.Of(model, Includes);
}

/// <summary>
/// Groups parameters by layer: by the prefix of their name before the last '.' (fc1.weight and fc1.bias
/// form "fc1"; features.0.weight forms "features.0"). Parameters whose name has no '.' (registered on
/// the model itself) form one group named <see cref="TopLevel"/>. The blocks of all groups partition the
/// parameter vector, so for any operator Σ_l tr(A_ll) = tr(A) (exactly for exact traces; stochastic
/// estimates of the blocks agree with the whole only within their standard errors).
/// </summary>
public static class LayerGroups
{
    public const string TopLevel = "(top level)";

    /// <summary>The layer a parameter belongs to: its name up to the last '.'.</summary>
    public static string GroupOf(string parameterName)
    {
        int dot = parameterName.LastIndexOf('.');
        return dot < 0 ? TopLevel : parameterName[..dot];
    }

    /// <summary>The groups of the trainable parameters of <paramref name="model"/>, in the order they first appear.</summary>
    public static IReadOnlyList<ParameterGroup> Of(nn.Module model) =>
        Of(model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name));

    /// <summary>The groups of a parameter set's parameters (e.g. of a block already chosen by a filter).</summary>
    public static IReadOnlyList<ParameterGroup> Of(ParameterSet parameters) => Of(parameters.Layout.Names);

    /// <summary>The groups of a list of parameter names, in the order they first appear.</summary>
    public static IReadOnlyList<ParameterGroup> Of(IEnumerable<string> names)
    {
        var groups = new List<(string Name, List<string> Members)>();
        foreach (var name in names)
        {
            string group = GroupOf(name);
            var found = groups.FindIndex(g => g.Name == group);
            if (found < 0) groups.Add((group, new List<string> { name }));
            else groups[found].Members.Add(name);
        }
        if (groups.Count == 0) throw new LlaException("the model has no trainable parameter to group by layer");
        return groups.Select(g => new ParameterGroup(g.Name, g.Members.ToArray())).ToArray();
    }
}
