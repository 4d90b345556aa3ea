using Lla.Tests.Support;
using Onnx;
using static Lla.Tests.Onnx.Operators.SecondDerivatives;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// Hessian-vector products by double backward through each differentiable operator equal central differences
/// of gradients (float64, step 1e-5). Tolerance 1e-6 relative: the differences' truncation error (h²/6 times a
/// third derivative, ~1e-10 here) and rounding (~1e-16/h ≈ 1e-11) are far below it, while a wrong or missing
/// second-derivative term changes the product by far more. Inputs sit away from kinks (|x| ≥ 0.3 where an
/// operator bends at 0) so the finite differences never straddle one.
/// </summary>
public class OperatorHessianTests
{
    public OperatorHessianTests() => TestTorch.Init();

    private static Case Unary(string op, Tensor x, params AttributeProto[] attributes) => new(op, new[] { x }, attributes);

    private static readonly Dictionary<string, Func<Case>> Cases = new()
    {
        // Element-wise
        ["Abs"] = () => Unary("Abs", Away(3, 4)),
        ["Reciprocal"] = () => Unary("Reciprocal", Away(3, 4)),
        ["Min"] = () => new("Min", new[] { Normal(3, 4), Normal(4), Normal(1, 4) }, []),
        ["Max"] = () => new("Max", new[] { Normal(3, 4), Normal(4), Normal(1, 4) }, []),
        ["Mean"] = () => new("Mean", new[] { Normal(3, 4), Normal(4), Normal(1, 4) }, []),
        ["Sum"] = () => new("Sum", new[] { Normal(3, 4), Normal(4), Normal(1, 4) }, []),
        ["Mod"] = () => new("Mod", new[] { Uniform(0.1, 0.9, 3, 4) + Uniform(0, 3, 3, 4).floor() * 1.0, full(new long[] { 4 }, 1.0, dtype: ScalarType.Float64) }, [Int("fmod", 1)]),
        ["Sin"] = () => Unary("Sin", Normal(3, 4)),
        ["Cos"] = () => Unary("Cos", Normal(3, 4)),
        ["Tan"] = () => Unary("Tan", Uniform(-1.2, 1.2, 3, 4)),
        ["Asin"] = () => Unary("Asin", Uniform(-0.8, 0.8, 3, 4)),
        ["Acos"] = () => Unary("Acos", Uniform(-0.8, 0.8, 3, 4)),
        ["Atan"] = () => Unary("Atan", Normal(3, 4)),
        ["Sinh"] = () => Unary("Sinh", Normal(3, 4)),
        ["Cosh"] = () => Unary("Cosh", Normal(3, 4)),
        ["Asinh"] = () => Unary("Asinh", Normal(3, 4)),
        ["Acosh"] = () => Unary("Acosh", Uniform(1.3, 3, 3, 4)),
        ["Atanh"] = () => Unary("Atanh", Uniform(-0.8, 0.8, 3, 4)),
        // Activations
        ["PRelu"] = () => new("PRelu", new[] { Away(2, 3, 4), Uniform(0.1, 0.5, 3, 1) }, []),
        ["Elu"] = () => Unary("Elu", Away(3, 4), Float("alpha", 0.7f)),
        ["Selu"] = () => Unary("Selu", Away(3, 4)),
        ["Celu"] = () => Unary("Celu", Away(3, 4), Float("alpha", 2f)),
        ["Softplus"] = () => Unary("Softplus", Normal(3, 4)),
        ["Softsign"] = () => Unary("Softsign", Away(3, 4)),
        ["HardSigmoid"] = () => Unary("HardSigmoid", Away(3, 4)),
        ["HardSwish"] = () => Unary("HardSwish", Away(3, 4)),
        ["Mish"] = () => Unary("Mish", Normal(3, 4)),
        ["ThresholdedRelu"] = () => Unary("ThresholdedRelu", Away(3, 4), Float("alpha", 0.1f)),
        // Reductions
        ["ReduceMax"] = () => Unary("ReduceMax", Normal(3, 4), Ints("axes", 1)),
        ["ReduceMin"] = () => Unary("ReduceMin", Normal(3, 4), Ints("axes", 0), Int("keepdims", 0)),
        ["ReduceL1"] = () => Unary("ReduceL1", Away(3, 4), Ints("axes", 1)),
        ["ReduceL2"] = () => Unary("ReduceL2", Normal(3, 4), Ints("axes", 1)),
        ["ReduceLogSum"] = () => Unary("ReduceLogSum", Uniform(0.5, 2, 3, 4), Ints("axes", 0, 1)),
        ["ReduceLogSumExp"] = () => Unary("ReduceLogSumExp", Normal(3, 4, 2), Ints("axes", 0, 2), Int("keepdims", 0)),
        ["ReduceProd"] = () => Unary("ReduceProd", Away(3, 4, 2), Ints("axes", 2, 0)),
        ["ReduceSumSquare"] = () => Unary("ReduceSumSquare", Normal(3, 4)),
        // Losses (the scores are the variable; ignored targets and weights included)
        ["NegativeLogLikelihoodLoss"] = () => new("NegativeLogLikelihoodLoss",
            new[] { Normal(3, 4, 2), tensor(new long[] { 0, 3, 1, -1, 2, 3 }).reshape(3, 2), Uniform(0.5, 2, 4) }, [Int("ignore_index", -1)]),
        ["SoftmaxCrossEntropyLoss"] = () => new("SoftmaxCrossEntropyLoss",
            new[] { Normal(3, 4, 2), tensor(new long[] { 0, 3, 1, 2, 2, 3 }).reshape(3, 2), Uniform(0.5, 2, 4) }, [Text("reduction", "sum")]),
        ["SoftmaxCrossEntropyLoss.log_prob"] = () => new("SoftmaxCrossEntropyLoss",
            new[] { Normal(3, 4), tensor(new long[] { 0, 3, 1 }) }, [Text("reduction", "none")], Outputs: 2, Output: 1),
        // Indexing and arrays (linear in the data: the Hessian is JᵀJ from ½Σy², which checks the Jacobian's indexing)
        ["GatherElements"] = () => new("GatherElements", new[] { Normal(3, 4), tensor(new long[] { 0, 2, -1, 1, 1, 0 }).reshape(3, 2) }, [Int("axis", 1)]),
        ["GatherND"] = () => new("GatherND", new[] { Normal(2, 3, 4), tensor(new long[] { 1, 0, 2, -1 }).reshape(2, 1, 2) }, [Int("batch_dims", 1)]),
        ["ScatterElements"] = () => new("ScatterElements",
            new[] { Normal(3, 4), tensor(new long[] { 0, 2, 0, 1, 1, 1 }).reshape(3, 2), Normal(3, 2) }, [Int("axis", 1), Text("reduction", "mul")]),
        ["ScatterND"] = () => new("ScatterND", new[] { Normal(3, 4), tensor(new long[] { 2, 0, 2 }).reshape(3, 1), Normal(3, 4) }, [Text("reduction", "add")]),
        ["OneHot"] = () => new("OneHot", new[] { tensor(new long[] { 0, 2, -1 }), tensor(4L), Normal(2) }, []),
        ["TopK"] = () => new("TopK", new[] { Normal(3, 5), tensor(new long[] { 2 }) }, [Int("largest", 0)], Outputs: 2),
        ["Tile"] = () => new("Tile", new[] { Normal(2, 3), tensor(new long[] { 2, 1 }) }, []),
        ["Trilu"] = () => new("Trilu", new[] { Normal(2, 3, 4), tensor(new long[] { -1 }) }, [Int("upper", 0)]),
        ["CumSum"] = () => new("CumSum", new[] { Normal(3, 4), tensor(new long[] { 1 }) }, [Int("exclusive", 1), Int("reverse", 1)]),
        // Normalization and layout
        ["BatchNormalization.training"] = () => new("BatchNormalization",
            new[] { Normal(4, 3, 2), Uniform(0.5, 2, 3), Normal(3), Normal(3), Uniform(0.5, 2, 3) }, [Int("training_mode", 1)], Training: true),
        ["BatchNormalization.inference"] = () => new("BatchNormalization",
            new[] { Normal(4, 3, 2), Uniform(0.5, 2, 3), Normal(3), Normal(3), Uniform(0.5, 2, 3) }, []),
        ["LayerNormalization.InvStdDev"] = () => new("LayerNormalization", new[] { Normal(3, 4), Uniform(0.5, 2, 4), Normal(4) }, [], Outputs: 3, Output: 2, InputOnly: true),
        ["LayerNormalization.Mean"] = () => new("LayerNormalization", new[] { Normal(3, 4), Uniform(0.5, 2, 4), Normal(4) }, [Int("axis", 0)], Outputs: 3, Output: 1, InputOnly: true),
        ["InstanceNormalization"] = () => new("InstanceNormalization", new[] { Normal(2, 3, 4), Uniform(0.5, 2, 3), Normal(3) }, []),
        ["LpNormalization"] = () => Unary("LpNormalization", Normal(3, 4)),
        ["LpNormalization.p1"] = () => Unary("LpNormalization", Away(3, 4), Int("p", 1), Int("axis", 0)),
        ["LRN"] = () => Unary("LRN", Normal(2, 5, 2, 2), Int("size", 3), Float("alpha", 0.5f)),
        ["MeanVarianceNormalization"] = () => Unary("MeanVarianceNormalization", Normal(2, 3, 2, 2)),
        ["DepthToSpace"] = () => Unary("DepthToSpace", Normal(1, 8, 2, 3), Int("blocksize", 2), Text("mode", "CRD")),
        ["SpaceToDepth"] = () => Unary("SpaceToDepth", Normal(1, 2, 4, 6), Int("blocksize", 2)),
        ["Einsum"] = () => new("Einsum", new[] { Normal(2, 3, 4), Normal(2, 4, 5) }, [Text("equation", "bij, bjk -> bik")]),
        // Recurrent layers (x [seq 3, batch 2, input 2], hidden 2; the weights, biases, initial states and peepholes are parameters)
        ["LSTM"] = () => new("LSTM", new[] { Normal(3, 2, 2), Normal(2, 8, 2), Normal(2, 8, 2), Normal(2, 16), tensor(new[] { 3, 2 }), Normal(2, 2, 2), Normal(2, 2, 2), Normal(2, 6) },
            [Int("hidden_size", 2), Text("direction", "bidirectional")], Outputs: 3),
        ["LSTM.Y_c"] = () => new("LSTM", new[] { Normal(3, 2, 2), Normal(1, 8, 2), Normal(1, 8, 2) }, [Int("hidden_size", 2), Int("input_forget", 1)], Outputs: 3, Output: 2),
        ["GRU"] = () => new("GRU", new[] { Normal(3, 2, 2), Normal(1, 6, 2), Normal(1, 6, 2), Normal(1, 12), tensor(new[] { 1, 3 }) },
            [Int("hidden_size", 2), Text("direction", "reverse"), Int("linear_before_reset", 1)], Outputs: 2, Output: 1),
        ["GRU.reset_before"] = () => new("GRU", new[] { Normal(3, 2, 2), Normal(1, 6, 2), Normal(1, 6, 2), Normal(1, 12) }, [Int("hidden_size", 2)], Outputs: 2),
        ["RNN"] = () => new("RNN", new[] { Normal(2, 3, 2), Normal(1, 2, 2), Normal(1, 2, 2), Normal(1, 4) },
            [Int("hidden_size", 2), Int("layout", 1), Texts("activations", "Softsign"), Float("clip", 5f)], Outputs: 2),
        // Resampling (scales and roi are float initializers that only set the sizes: the input is the variable)
        ["Resize.linear"] = () => new("Resize", new[] { Normal(1, 2, 3, 4), null!, tensor(new[] { 1.0, 1.0, 2.0, 0.75 }) },
            [Text("mode", "linear")], InputOnly: true),
        ["Resize.cubic"] = () => new("Resize", new[] { Normal(1, 1, 4, 4), null!, null!, tensor(new long[] { 1, 1, 5, 3 }) },
            [Text("mode", "cubic"), Text("coordinate_transformation_mode", "align_corners"), Int("exclude_outside", 1)], InputOnly: true),
        ["Resize.crop"] = () => new("Resize", new[] { Normal(1, 1, 4, 4), tensor(new[] { 0, 0, -0.2, 0.1, 1, 1, 0.8, 1.3 }), tensor(new[] { 1.0, 1.0, 1.5, 1.0 }) },
            [Text("mode", "linear"), Text("coordinate_transformation_mode", "tf_crop_and_resize"), Float("extrapolation_value", 0.5f)], InputOnly: true),
        ["Resize.antialias"] = () => new("Resize", new[] { Normal(1, 1, 6, 5), null!, tensor(new[] { 1.0, 1.0, 0.5, 0.4 }) },
            [Text("mode", "cubic"), Int("antialias", 1)], InputOnly: true),
        // Upsample as opset 9 defines it (scales an input; replaced by Resize at opset 10), through its own older definition
        ["Upsample.linear.opset9"] = () => new("Upsample", new[] { Normal(1, 2, 3, 4), tensor(new[] { 1.0f, 1.0f, 2.0f, 1.5f }) },
            [Text("mode", "linear")], InputOnly: true, Opset: 9),
        // Pad's reflect and edge modes, which run one axis at a time (any rank)
        ["Pad.reflect"] = () => new("Pad", new[] { Normal(3, 4), tensor(new long[] { 1, 2, 2, 1 }) }, [Text("mode", "reflect")], InputOnly: true),
        ["Pad.edge"] = () => new("Pad", new[] { Normal(2, 2, 2, 2, 3), tensor(new long[] { 0, 1, 0, 1, 2, 0, 0, 1, 0, 1 }) }, [Text("mode", "edge")], InputOnly: true),
        // GridSample: the image and the grid are variables (nearest: the image alone, its grid only picks pixels)
        ["GridSample"] = () => new("GridSample", new[] { Normal(1, 2, 3, 4), Uniform(-1.1, 1.1, 1, 2, 3, 2) }, []),
        ["GridSample.reflection"] = () => new("GridSample", new[] { Normal(1, 2, 3, 4), Uniform(-1.3, 1.3, 1, 2, 3, 2) },
            [Text("padding_mode", "reflection"), Int("align_corners", 1)]),
        ["GridSample.bicubic"] = () => new("GridSample", new[] { Normal(1, 1, 4, 4), Uniform(-1.2, 1.2, 1, 2, 3, 2) },
            [Text("mode", "bicubic"), Text("padding_mode", "border")]),
        ["GridSample.nearest"] = () => new("GridSample", new[] { Normal(1, 2, 3, 4), Uniform(-1, 1, 1, 2, 3, 2) }, [Text("mode", "nearest")], InputOnly: true),
    };

    [Theory]
    [InlineData("Abs")] [InlineData("Reciprocal")] [InlineData("Min")] [InlineData("Max")] [InlineData("Mean")] [InlineData("Sum")] [InlineData("Mod")]
    [InlineData("Sin")] [InlineData("Cos")] [InlineData("Tan")] [InlineData("Asin")] [InlineData("Acos")] [InlineData("Atan")]
    [InlineData("Sinh")] [InlineData("Cosh")] [InlineData("Asinh")] [InlineData("Acosh")] [InlineData("Atanh")]
    [InlineData("PRelu")] [InlineData("Elu")] [InlineData("Selu")] [InlineData("Celu")] [InlineData("Softplus")] [InlineData("Softsign")]
    [InlineData("HardSigmoid")] [InlineData("HardSwish")] [InlineData("Mish")] [InlineData("ThresholdedRelu")]
    [InlineData("ReduceMax")] [InlineData("ReduceMin")] [InlineData("ReduceL1")] [InlineData("ReduceL2")] [InlineData("ReduceLogSum")]
    [InlineData("ReduceLogSumExp")] [InlineData("ReduceProd")] [InlineData("ReduceSumSquare")]
    [InlineData("NegativeLogLikelihoodLoss")] [InlineData("SoftmaxCrossEntropyLoss")] [InlineData("SoftmaxCrossEntropyLoss.log_prob")]
    [InlineData("GatherElements")] [InlineData("GatherND")] [InlineData("ScatterElements")] [InlineData("ScatterND")] [InlineData("OneHot")]
    [InlineData("TopK")] [InlineData("Tile")] [InlineData("Trilu")] [InlineData("CumSum")]
    [InlineData("BatchNormalization.training")] [InlineData("BatchNormalization.inference")]
    [InlineData("LayerNormalization.InvStdDev")] [InlineData("LayerNormalization.Mean")] [InlineData("InstanceNormalization")]
    [InlineData("LpNormalization")] [InlineData("LpNormalization.p1")] [InlineData("LRN")] [InlineData("MeanVarianceNormalization")]
    [InlineData("DepthToSpace")] [InlineData("SpaceToDepth")] [InlineData("Einsum")]
    [InlineData("LSTM")] [InlineData("LSTM.Y_c")] [InlineData("GRU")] [InlineData("GRU.reset_before")] [InlineData("RNN")]
    [InlineData("Resize.linear")] [InlineData("Resize.cubic")] [InlineData("Resize.crop")] [InlineData("Resize.antialias")]
    [InlineData("Upsample.linear.opset9")] [InlineData("Pad.reflect")] [InlineData("Pad.edge")]
    [InlineData("GridSample")] [InlineData("GridSample.reflection")] [InlineData("GridSample.bicubic")] [InlineData("GridSample.nearest")]
    public void Hessian_vector_products_match_finite_differences(string op)
    {
        double error = RelativeError(Cases[op]());
        Assert.True(error <= 1e-6, $"{op}: relative difference {error:E2}");
    }

    [Fact]
    public void Every_case_is_tested()
    {
        var tested = typeof(OperatorHessianTests).GetMethod(nameof(Hessian_vector_products_match_finite_differences))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]).ToHashSet();
        Assert.Equal(Cases.Keys.Order(), tested.Order());
    }
}
