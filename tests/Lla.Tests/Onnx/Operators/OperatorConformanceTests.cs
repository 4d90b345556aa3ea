using Lla.Tests.Support;
using Xunit.Abstractions;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// Lla's operators against ONNX's own node tests, one theory case per group of tests (test_PREFIX…).
/// A few tests are left out, each for the reason its entry gives; every excluded name must exist.
/// </summary>
public class OperatorConformanceTests
{
    private readonly ITestOutputHelper _output;

    public OperatorConformanceTests(ITestOutputHelper output)
    {
        _output = output;
        TestTorch.Init();
    }

    private const string Unread = "float16, bfloat16, string and unsigned 16-64-bit tensors are element types the loader does not read";

    /// <summary>Node tests not run, with why.</summary>
    private static readonly Dictionary<string, string> Excluded = new()
    {
        ["max_float16"] = Unread,
        ["max_uint16"] = Unread,
        ["max_uint32"] = Unread,
        ["max_uint64"] = Unread,
        ["min_float16"] = Unread,
        ["min_uint16"] = Unread,
        ["min_uint32"] = Unread,
        ["min_uint64"] = Unread,
        ["mod_mixed_sign_float16"] = Unread,
        ["mod_uint16"] = Unread,
        ["mod_uint32"] = Unread,
        ["mod_uint64"] = Unread,
        ["castlike_BFLOAT16_to_FLOAT"] = Unread,
        ["castlike_DOUBLE_to_FLOAT16"] = Unread,
        ["castlike_FLOAT16_to_DOUBLE"] = Unread,
        ["castlike_FLOAT16_to_FLOAT"] = Unread,
        ["castlike_FLOAT_to_BFLOAT16"] = Unread,
        ["castlike_FLOAT_to_FLOAT16"] = Unread,
        ["castlike_FLOAT_to_STRING"] = Unread,
        ["castlike_STRING_to_FLOAT"] = Unread,
    };

    [RequiresOnnxNodeTestsTheory]
    // Element-wise
    [InlineData("abs")] [InlineData("sign")] [InlineData("reciprocal")] [InlineData("floor")] [InlineData("ceil")] [InlineData("round")]
    [InlineData("min")] [InlineData("max")] [InlineData("mean")] [InlineData("sum")] [InlineData("mod")]
    [InlineData("sin")] [InlineData("cos")] [InlineData("tan")] [InlineData("asin")] [InlineData("acos")] [InlineData("atan")]
    [InlineData("sinh")] [InlineData("cosh")] [InlineData("asinh")] [InlineData("acosh")] [InlineData("atanh")]
    [InlineData("isnan")] [InlineData("isinf")]
    // Activations
    [InlineData("prelu")] [InlineData("elu")] [InlineData("selu")] [InlineData("celu")] [InlineData("softplus")] [InlineData("softsign")]
    [InlineData("hardsigmoid")] [InlineData("hardswish")] [InlineData("thresholdedrelu")] [InlineData("hardmax")]
    // Comparisons and logic
    [InlineData("greater")] [InlineData("less")] [InlineData("and")] [InlineData("or")] [InlineData("xor")] [InlineData("not")]
    // Reductions
    [InlineData("reduce_max")] [InlineData("reduce_min")] [InlineData("reduce_l1")] [InlineData("reduce_l2")] [InlineData("reduce_log_sum")]
    [InlineData("reduce_prod")] [InlineData("reduce_sum_square")] [InlineData("argmax")] [InlineData("argmin")]
    // Losses
    [InlineData("nllloss")] [InlineData("sce")]
    // Indexing and arrays
    [InlineData("gather_elements")] [InlineData("gathernd")] [InlineData("scatter_elements")] [InlineData("scatter")] [InlineData("scatternd")] [InlineData("onehot")]
    [InlineData("top_k")] [InlineData("nonzero")] [InlineData("range")] [InlineData("tile")] [InlineData("tril")] [InlineData("triu")]
    [InlineData("cumsum")] [InlineData("size")] [InlineData("castlike")]
    // Normalization, layout and Einsum
    [InlineData("batchnorm")] [InlineData("instancenorm")] [InlineData("lrn")] [InlineData("mvn")] [InlineData("layer_normalization")]
    [InlineData("depthtospace")] [InlineData("spacetodepth")] [InlineData("einsum")]
    // Recurrent layers
    [InlineData("lstm")] [InlineData("gru")] [InlineData("simple_rnn")] [InlineData("rnn_seq_length")]
    // Resampling
    [InlineData("resize")] [InlineData("gridsample")]
    public void Operators_match_onnx_node_tests(string prefix)
    {
        var tests = NodeTests.Matching(prefix);
        Assert.NotEmpty(tests);
        var failures = new List<string>();
        int run = 0;
        foreach (var test in tests)
        {
            if (Excluded.TryGetValue(test, out var why))
            {
                _output.WriteLine($"{test}: left out ({why})");
                continue;
            }
            run++;
            try
            {
                if (NodeTests.Check(test) is { } failure) failures.Add(failure);
            }
            catch (Exception e)
            {
                failures.Add($"{test}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        _output.WriteLine($"{run} of {tests.Count} node tests run");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(run > 0, $"every node test of {prefix} is excluded");
    }

    [RequiresOnnxNodeTestsFact]
    public void Every_excluded_node_test_exists()
    {
        foreach (var name in Excluded.Keys) Assert.True(Directory.Exists(Path.Combine(NodeTests.Root, "test_" + name)), name);
    }
}
