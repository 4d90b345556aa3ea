using Lla.Curvature;
using Lla.Models;
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

    [Fact]
    public void The_block_rule_splits_a_module_holding_several_matrices_and_pairs_each_with_its_bias()
    {
        string[] names = ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "norm.weight", "norm.bias", "W", "V", "s", "emb.weight"];
        long[][] shapes = [[8, 3], [8, 2], [8], [8], [4], [4], [3, 3], [3, 3], [3], [11, 4]];
        var groups = LayerGroups.Of(names, shapes);
        Assert.Equal(new[] { "lstm.weight_ih_l0", "lstm.weight_hh_l0", "norm", "W", "V", LayerGroups.TopLevel, "emb" }, groups.Select(g => g.Name));
        Assert.Equal(new[] { "lstm.weight_ih_l0", "lstm.bias_ih_l0" }, groups[0].ParameterNames);
        Assert.Equal(new[] { "lstm.weight_hh_l0", "lstm.bias_hh_l0" }, groups[1].ParameterNames);
        Assert.Equal(new[] { "norm.weight", "norm.bias" }, groups[2].ParameterNames);
        Assert.Equal(new[] { "s" }, groups[5].ParameterNames);
        // A partition: every parameter once.
        Assert.Equal(names.Order(), groups.SelectMany(g => g.ParameterNames).Order());
    }

    internal static readonly string[] GptBlockParts = ["ln_1", "attn.c_attn", "attn.c_proj", "ln_2", "mlp.c_fc", "mlp.c_proj"];

    [Fact]
    public void A_gpt_has_one_block_per_part_the_tied_embedding_once()
    {
        var model = ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=8,context=4,vocab=11", [4], 11));
        var groups = LayerGroups.Of(model);
        var expected = new List<string> { "transformer.wte", "transformer.wpe" };
        for (int i = 0; i < 2; i++) expected.AddRange(GptBlockParts.Select(p => $"transformer.h.{i}.{p}"));
        expected.Add("transformer.ln_f");
        Assert.Equal(expected, groups.Select(g => g.Name));
        Assert.Equal(new[] { "transformer.wte.weight" }, groups[0].ParameterNames); // the head is this same tensor
        Assert.Equal(new[] { "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias" }, groups[3].ParameterNames);
        Assert.Equal(new[] { "transformer.h.1.ln_2.weight", "transformer.h.1.ln_2.bias" }, groups[2 + 6 + 3].ParameterNames);
        Assert.Equal(ParameterSet.Of(model).Dimension, groups.Sum(g => g.Of(model).Dimension));
    }

    [Fact]
    public void Cnns_have_one_block_per_convolution_linear_layer_and_batchnorm()
    {
        var lenet = LayerGroups.Of(ModelZoo.Create(new ModelSpec("lenet", [1, 28, 28], 10)));
        Assert.Equal(new[] { "conv1", "conv2", "fc1", "fc2", "fc3" }, lenet.Select(g => g.Name));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias" }, lenet[0].ParameterNames);

        var resnet = LayerGroups.Of(ModelZoo.Create(new ModelSpec("resnet20", [3, 32, 32], 10)));
        // Stem, 9 basic blocks of two convolutions and two BatchNorms, two 1×1 shortcuts with their BatchNorms, the classifier.
        Assert.Equal(2 + 9 * 4 + 2 * 2 + 1, resnet.Count);
        Assert.Equal(new[] { "conv1", "bn1" }, resnet.Take(2).Select(g => g.Name));
        Assert.Equal("fc", resnet[^1].Name);
        foreach (var name in new[] { "layer1.0.conv1", "layer1.0.bn1", "layer1.0.conv2", "layer1.0.bn2", "layer2.0.downsample.0", "layer2.0.downsample.1", "layer3.2.bn2" })
            Assert.Contains(name, resnet.Select(g => g.Name));
        Assert.Equal(new[] { "layer2.0.downsample.1.weight", "layer2.0.downsample.1.bias" }, resnet.First(g => g.Name == "layer2.0.downsample.1").ParameterNames);
        Assert.Equal(new[] { "conv1.weight" }, resnet[0].ParameterNames);
    }

    [Fact]
    public void The_traces_of_a_gpts_diagonal_blocks_sum_to_the_explicit_hessians_trace()
    {
        // float64, 556 parameters: the explicit Hessian from 556 products, each block's from as many products of its own operator.
        var (model, objective) = Models.Gpt.GptHessianTests.Problem("gpt:layers=2,heads=2,width=4,context=4,vocab=11,gelu=tanh");
        var parameters = ParameterSet.Of(model);
        using var full = CurvatureOracle.Materialize(new HessianOperator(objective, parameters));
        double whole = full.trace().ToDouble(), scale = full.diag().abs().sum().ToDouble();
        var groups = LayerGroups.Of(parameters);
        Assert.Equal(2 + 2 * 6 + 1, groups.Count);
        double blocks = 0;
        long offset = 0;
        foreach (var g in groups)
        {
            var block = g.Of(model);
            using var h = CurvatureOracle.Materialize(new HessianOperator(objective, block));
            double trace = h.trace().ToDouble();
            blocks += trace;
            // The block operator is the explicit Hessian's diagonal block (the groups follow the parameters' order).
            using var slice = full.narrow(0, offset, block.Dimension).narrow(1, offset, block.Dimension);
            Assert.True((h - slice).abs().max().ToDouble() <= 1e-10 * scale, g.Name);
            offset += block.Dimension;
        }
        Assert.Equal(parameters.Dimension, offset);
        Assert.True(Math.Abs(blocks - whole) <= 1e-12 * scale, $"{blocks} vs {whole}");
    }
}
