using Lla.Connectivity;
using Lla.Curvature;
using Lla.Landscapes;
using Lla.Runs;
using Lla.Training;

namespace Lla.Tests;

/// <summary>The project's enums are named in one place: kebab case of the member, or the attribute's name.</summary>
public sealed class SettingNamesTests
{
    [Fact]
    public void Names_are_kebab_case_unless_an_attribute_says_otherwise()
    {
        Assert.Equal("empirical-fisher", CurvatureOperator.EmpiricalFisher.Name());
        Assert.Equal("hutch++", TraceMethod.HutchPlusPlus.Name());
        Assert.Equal("xtrace", TraceMethod.XTrace.Name());
        Assert.Equal("adameq", UpdateRule.AdamEq.Name());
        Assert.Equal("random-uniform", AxesKind.RandomUniform.Name());
        Assert.Equal("uniform", AxesKind.RandomUniform.FlagName());
    }

    [Fact]
    public void Parse_takes_the_command_line_name_and_names_the_choices_when_it_is_none()
    {
        Assert.Equal(AxesKind.RandomUniform, SettingNames.Parse<AxesKind>("uniform", "axes"));
        Assert.Equal(PathBatchNorm.Recompute, SettingNames.Parse<PathBatchNorm>("recompute", "bn"));
        var e = Assert.Throws<LlaException>(() => SettingNames.Parse<TraceMethod>("exact", "trace-method"));
        Assert.Equal("--trace-method must be hutch++, hutchinson or xtrace (got 'exact')", e.Render(s => "--" + s));
        var o = Assert.Throws<LlaException>(() => SettingNames.Parse<OptimizerKind>("lbfgs", "optimizer"));
        Assert.Equal("--optimizer must be adam, sgd or adamw (got 'lbfgs')", o.Render(s => "--" + s));
    }

    private sealed record Holder(TraceMethod Method, OptimizerKind Optimizer);

    [Fact]
    public void The_results_serializer_writes_enums_by_name_and_reads_names_and_old_numbers()
    {
        string json = ResultsSerializer.ToJson(new Holder(TraceMethod.HutchPlusPlus, OptimizerKind.Sgd));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Assert.Equal("hutch++", node["method"]!.GetValue<string>());
        Assert.Equal("sgd", node["optimizer"]!.GetValue<string>());
        Assert.Equal(new Holder(TraceMethod.HutchPlusPlus, OptimizerKind.Sgd), ResultsSerializer.FromNode<Holder>(System.Text.Json.Nodes.JsonNode.Parse(json)!));
        Assert.Equal(new Holder(TraceMethod.XTrace, OptimizerKind.Adam), ResultsSerializer.FromNode<Holder>(System.Text.Json.Nodes.JsonNode.Parse("""{ "method": 2, "optimizer": "adam" }""")!));
    }
}
