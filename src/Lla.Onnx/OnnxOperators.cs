using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Onnx;

/// <summary>
/// The ONNX operators Lla.NET runs, each as TorchSharp operations that autograd differentiates
/// twice (Hessian-vector products by double backward work through every one). Semantics follow the
/// ONNX operator specification for opsets 13–17 (inputs, attributes and defaults as there); older
/// opsets (6–12) are brought to that form by OnnxOperators.Opsets.cs.
/// </summary>
internal static partial class OnnxOperators
{
    public delegate Tensor[] Operator(OnnxNode node);

    /// <summary>The ONNX default-domain opsets these implementations follow.</summary>
    public const int MinOpset = 6, MaxOpset = 17;

    private static readonly Dictionary<string, Operator> Table = new(Groups())
    {
        // Linear algebra and convolution
        ["Conv"] = Conv, ["ConvTranspose"] = ConvTranspose, ["Gemm"] = Gemm, ["MatMul"] = MatMul,
        // Element-wise arithmetic (NumPy broadcasting, as torch's)
        ["Add"] = n => One(n.In(0) + n.In(1)),
        ["Sub"] = n => One(n.In(0) - n.In(1)),
        ["Mul"] = n => One(n.In(0) * n.In(1)),
        ["Div"] = Div,
        ["Pow"] = n => One(n.In(0).pow(n.In(1))),
        ["Sqrt"] = n => One(n.In(0).sqrt()),
        ["Neg"] = n => One(n.In(0).neg()),
        ["Exp"] = n => One(n.In(0).exp()),
        ["Log"] = n => One(n.In(0).log()),
        ["Equal"] = n => One(n.In(0).eq(n.In(1))),
        ["Where"] = n => One(where(n.In(0), n.In(1), n.In(2))),
        ["Clip"] = Clip,
        // Activations
        ["Relu"] = n => One(nn.functional.relu(n.In(0))),
        ["LeakyRelu"] = n => One(nn.functional.leaky_relu(n.In(0), n.Float("alpha", 0.01f))),
        ["Sigmoid"] = n => One(n.In(0).sigmoid()),
        ["Tanh"] = n => One(n.In(0).tanh()),
        ["Erf"] = n => One(n.In(0).erf()),
        ["Gelu"] = Gelu,
        ["Softmax"] = n => One(n.In(0).softmax(n.Int("axis", -1))),
        ["LogSoftmax"] = n => One(n.In(0).log_softmax(n.Int("axis", -1))),
        // Pooling and normalization
        ["MaxPool"] = MaxPool, ["AveragePool"] = AveragePool,
        ["GlobalAveragePool"] = n => One(n.In(0).mean(SpatialAxes(n.In(0)), keepdim: true)),
        ["GlobalMaxPool"] = n => One(n.In(0).amax(SpatialAxes(n.In(0)), keepdim: true)),
        ["BatchNormalization"] = BatchNormalization, ["LayerNormalization"] = LayerNormalization,
        ["ReduceMean"] = n => Reduce(n, (x, axes, keep) => x.mean(axes, keep)),
        ["ReduceSum"] = n => Reduce(n, (x, axes, keep) => x.sum(axes, keep)),
        // Shapes and layout
        ["Flatten"] = Flatten, ["Reshape"] = Reshape, ["Transpose"] = Transpose, ["Concat"] = Concat,
        ["Squeeze"] = Squeeze, ["Unsqueeze"] = Unsqueeze, ["Pad"] = Pad, ["Expand"] = Expand,
        ["Shape"] = Shape, ["Gather"] = Gather, ["Split"] = Split, ["ConstantOfShape"] = ConstantOfShape, ["Slice"] = Slice, ["Cast"] = Cast,
        // No-ops and constants
        ["Identity"] = n => One(n.In(0).alias()),
        ["Dropout"] = Dropout,
        ["Constant"] = n => throw n.Error("is a constant and is evaluated at load"),
    };

    public static IReadOnlyCollection<string> Supported => Table.Keys;

    private static Tensor[] One(Tensor t) => new[] { t };

    private static long[] SpatialAxes(Tensor x) => Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray();

    private static long Axis(long axis, long rank) => axis < 0 ? axis + rank : axis;

    /// <summary>Integer division truncates (ONNX on integer tensors, used in shape arithmetic); floats divide.</summary>
    private static Tensor[] Div(OnnxNode n)
    {
        Tensor a = n.In(0), b = n.In(1);
        bool integral = !OnnxTensors.IsFloating(a.dtype) && !OnnxTensors.IsFloating(b.dtype);
        return One(integral ? a.div(b, rounding_mode: RoundingMode.trunc) : a / b);
    }

    private static Tensor[] Clip(OnnxNode n)
    {
        var x = n.In(0);
        Tensor? low = n.Optional(1), high = n.Optional(2);
        if (low is null && high is null) return One(x.alias());
        return One(x.clamp(low is null ? null : low.ToDouble(), high is null ? null : high.ToDouble()));
    }

    /// <summary>
    /// Gelu (ONNX opset 20; accepted here too since newer exporters emit it): x·Φ(x) =
    /// ½x(1 + erf(x/√2)), or with approximate="tanh" ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    private static Tensor[] Gelu(OnnxNode n)
    {
        var x = n.In(0);
        string approximate = n.String("approximate", "none");
        if (approximate == "tanh")
            return One(0.5 * x * (1.0 + (Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()));
        if (approximate != "none") throw n.Error($"has approximate=\"{approximate}\", which is not an ONNX Gelu mode");
        return One(0.5 * x * (1.0 + (x / Math.Sqrt(2.0)).erf()));
    }

    private static Tensor[] Dropout(OnnxNode n)
    {
        // Analyses use the model deterministically: dropout is the identity (its inference behaviour). A node that asks for
        // training mode (opset 12+: a true training_mode input; opset 6: is_test 0) with a ratio above 0 would draw random
        // masks, so it is refused rather than run as something it is not.
        var x = n.In(0);
        bool training = n.Opset >= 12 ? n.Optional(2) is { } mode && mode.numel() > 0 && mode.ToBoolean() : n.Opset < 7 && n.Int("is_test", 0) == 0;
        double ratio = n.Optional(1) is { } r && r.numel() > 0 ? r.ToDouble() : n.Float("ratio", 0.5f);
        if (training && ratio > 0)
            throw n.Error($"drops at random (training mode, ratio {ratio:G4}); Lla.NET analyses a deterministic model: "
                + (n.Opset < 7 ? "set its is_test attribute to 1" : "export it in inference mode (model.eval())"));
        return n.OutputCount > 1 ? new[] { x.alias(), ones_like(x, dtype: ScalarType.Bool) } : One(x.alias());
    }

    private static Tensor[] Reduce(OnnxNode n, Func<Tensor, long[], bool, Tensor> reduce)
    {
        var x = n.In(0);
        bool keep = n.Int("keepdims", 1) != 0;
        long[]? axes = n.AxesFrom("axes", 1);
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return One(x.alias());
            axes = Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).ToArray();
        }
        return One(reduce(x, axes.Select(a => Axis(a, x.dim())).ToArray(), keep));
    }
}
