using Lla.Curvature;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;
using static TorchSharp.torch.nn;

namespace Lla.Tests.Curvature;

public class LayerGroupsTests
{
    public LayerGroupsTests() => TestTorch.Init();

    [Fact]
    public void Parameters_are_grouped_by_the_prefix_before_the_last_dot_in_model_order()
    {
        var model = Sequential(("features", Sequential(("0", Linear(3, 4)), ("1", Tanh()), ("2", Linear(4, 4)))), ("head", Linear(4, 2)));
        var groups = LayerGroups.Of(model);
        Assert.Equal(new[] { "features.0", "features.2", "head" }, groups.Select(g => g.Name));
        Assert.Equal(new[] { "features.0.weight", "features.0.bias" }, groups[0].ParameterNames);
        Assert.True(groups[2].Includes("head.bias") && !groups[2].Includes("features.0.bias"));
        Assert.Equal(4 * 4 + 4, groups[1].Of(model).Dimension);
        Assert.Equal(LayerGroups.TopLevel, LayerGroups.GroupOf("scale"));
    }

    [Fact]
    public void Frozen_parameters_are_left_out_and_groups_of_a_block_stay_within_it()
    {
        var model = Sequential(("fc1", Linear(3, 4)), ("fc2", Linear(4, 2)));
        model.named_parameters().First(p => p.name == "fc1.bias").parameter.requires_grad = false;
        var groups = LayerGroups.Of(model);
        Assert.Equal(new[] { "fc1.weight" }, groups[0].ParameterNames);
        var block = ParameterSet.Of(model, name => name.StartsWith("fc2"));
        Assert.Equal(new[] { "fc2" }, LayerGroups.Of(block).Select(g => g.Name));
    }

    [Fact]
    public void Exact_traces_of_the_layer_blocks_sum_to_the_exact_trace()
    {
        var oracle = new CurvatureOracle("cross-entropy");
        var objective = oracle.Objective();
        var operators = new Func<ParameterSet, ILinearOperator>[]
        {
            p => new HessianOperator(objective, p),
            p => new GgnOperator(objective, p),
            p => new EmpiricalFisherOperator(objective, p),
        };
        foreach (var make in operators)
        {
            double whole = CurvatureOracle.Materialize(make(oracle.Parameters)).trace().ToDouble();
            var groups = LayerGroups.Of(oracle.Model);
            Assert.Equal(2, groups.Count);
            double blocks = groups.Sum(g => CurvatureOracle.Materialize(make(g.Of(oracle.Model))).trace().ToDouble());
            // Each block's diagonal is the same float64 products as the whole's: equal to rounding.
            Assert.True(Math.Abs(blocks - whole) <= 1e-12 * Math.Abs(whole), $"{blocks} vs {whole}");
        }
    }
}
