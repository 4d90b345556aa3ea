using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Curvature;

/// <summary>
/// The parameters of one block, e.g. "fc1" = fc1.weight and fc1.bias: the block H_ll of a per-layer
/// spectrum. <see cref="Includes"/> is a name filter for <see cref="ParameterSet.Of"/>.
/// </summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<string> ParameterNames)
{
    public bool Includes(string parameterName) => ParameterNames.Contains(parameterName);

    /// <summary>This group's parameters of <paramref name="model"/> as a block for the curvature operators.</summary>
    public ParameterSet Of(nn.Module model) => ParameterSet.Of(model, Includes);
}

/// <summary>
/// The block rule (METHOD.md, "Block heterogeneity"; also `--per-layer`'s groups): each weight tensor of two or
/// more dimensions together with its bias is a block; each normalization layer's scale and shift are one block;
/// a tied embedding/head is one block (it is one parameter). Parameters are first grouped by the module that
/// holds them, the prefix of their name before the last '.' (fc1.weight and fc1.bias form "fc1";
/// transformer.h.0.attn.c_attn.weight and .bias form "transformer.h.0.attn.c_attn"; a LayerNorm's or
/// BatchNorm's weight and bias form its module's block). Parameters whose name has no '.' (registered on the
/// model itself) belong to the module <see cref="TopLevel"/>. A module holding two or more tensors of two or
/// more dimensions (an LSTM's weight_ih_l0 and weight_hh_l0, or several matrices registered on the model) is
/// split: one block per such tensor, named module.tensor, with the 1-D tensor whose name is its own with
/// "weight" replaced by "bias" (bias_ih_l0 beside weight_ih_l0); its remaining 1-D tensors form one block
/// named after the module. The blocks partition the parameter vector, so for any operator
/// Σ_b tr(A_bb) = tr(A) (exactly for exact traces; stochastic estimates of the blocks agree with the whole
/// only within their standard errors).
/// </summary>
public static class LayerGroups
{
    public const string TopLevel = "(top level)";

    /// <summary>The module a parameter belongs to: its name up to the last '.'.</summary>
    public static string GroupOf(string parameterName)
    {
        int dot = parameterName.LastIndexOf('.');
        return dot < 0 ? TopLevel : parameterName[..dot];
    }

    /// <summary>The blocks of the trainable parameters of <paramref name="model"/>, in the order they first appear.</summary>
    public static IReadOnlyList<ParameterGroup> Of(nn.Module model)
    {
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).ToArray();
        return Of(trainable.Select(p => p.name).ToArray(), trainable.Select(p => p.parameter.shape).ToArray());
    }

    /// <summary>The blocks of a parameter set's parameters (e.g. of a block already chosen by a filter).</summary>
    public static IReadOnlyList<ParameterGroup> Of(ParameterSet parameters) => Of(parameters.Layout);

    /// <summary>The blocks of a layout's parameters.</summary>
    public static IReadOnlyList<ParameterGroup> Of(ParameterLayout layout) => Of(layout.Names, layout.Shapes);

    /// <summary>The blocks of parameters given by name and shape, in the order their first parameter appears.</summary>
    public static IReadOnlyList<ParameterGroup> Of(IReadOnlyList<string> names, IReadOnlyList<long[]> shapes)
    {
        if (names.Count != shapes.Count) throw new ArgumentException("names and shapes differ in count");
        var modules = new List<(string Name, List<int> Members)>();
        for (int i = 0; i < names.Count; i++)
        {
            string module = GroupOf(names[i]);
            var found = modules.FindIndex(g => g.Name == module);
            if (found < 0) modules.Add((module, new List<int> { i }));
            else modules[found].Members.Add(i);
        }
        if (modules.Count == 0) throw new LlaException("the model has no trainable parameter to group by layer");

        // Each block keyed by the index of its first parameter, so that blocks keep the parameters' order.
        var blocks = new List<(int First, string Name, List<string> Members)>();
        foreach (var (module, members) in modules)
        {
            var matrices = members.Where(i => shapes[i].Length >= 2).ToList();
            if (matrices.Count <= 1)
            {
                blocks.Add((members[0], module, members.Select(i => names[i]).ToList()));
                continue;
            }
            var rest = members.Where(i => shapes[i].Length < 2).ToList();
            foreach (int m in matrices)
            {
                string local = Local(names[m]);
                var block = new List<int> { m };
                if (local.Contains("weight", StringComparison.Ordinal))
                {
                    string bias = local.Replace("weight", "bias", StringComparison.Ordinal);
                    int paired = rest.FindIndex(i => Local(names[i]) == bias);
                    if (paired >= 0) { block.Add(rest[paired]); rest.RemoveAt(paired); }
                }
                blocks.Add((block.Min(), module == TopLevel ? local : $"{module}.{local}", block.Order().Select(i => names[i]).ToList()));
            }
            if (rest.Count > 0) blocks.Add((rest[0], module, rest.Select(i => names[i]).ToList()));
        }
        return blocks.OrderBy(b => b.First).Select(b => new ParameterGroup(b.Name, b.Members.ToArray())).ToArray();
    }

    private static string Local(string parameterName) => parameterName[(parameterName.LastIndexOf('.') + 1)..];
}
