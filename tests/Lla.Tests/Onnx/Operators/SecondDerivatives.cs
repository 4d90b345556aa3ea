using Google.Protobuf;
using Lla.Onnx;
using Onnx;
using Tensor = TorchSharp.torch.Tensor;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Lla.Tests.Onnx.Operators;

/// <summary>
/// One ONNX node as a float64 model (its first input the graph input, the others initializers: float ones are
/// parameters) and a check of its Hessian-vector products. The objective is L = Σ c⊙y + ½Σ y⊙y over the chosen output
/// y with fixed random c, so its Hessian holds both the node's first derivatives (JᵀJ) and its second ones (Σ (c + y)∇²y);
/// the HVP by double backward with respect to the input and every parameter must equal central differences of the
/// gradient, (∇L(θ + hv) − ∇L(θ − hv))/2h with h = 1e-5.
/// </summary>
internal static class SecondDerivatives
{
    public sealed record Case(string Op, Tensor[] Inputs, AttributeProto[] Attributes, int Outputs = 1, int Output = 0, bool Training = false, bool InputOnly = false, int Opset = 17);

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Texts(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static ModelProto Model(Case c)
    {
        var node = new NodeProto { OpType = c.Op, Name = "node" };
        var graph = new GraphProto { Name = "hvp" };
        for (int i = 0; i < c.Inputs.Length; i++)
        {
            string name = $"in{i}";
            node.Input.Add(c.Inputs[i] is null ? "" : name);
            if (c.Inputs[i] is null) continue;
            graph.Input.Add(new ValueInfoProto { Name = name, Type = TypeOf(c.Inputs[i]) });
            if (i > 0) graph.Initializer.Add(Proto(name, c.Inputs[i]));
        }
        for (int k = 0; k < c.Outputs; k++) node.Output.Add($"out{k}");
        node.Attribute.AddRange(c.Attributes);
        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = $"out{c.Output}", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = TypeOf(c.Inputs[0]).TensorType.ElemType } } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = c.Opset });
        return model;
    }

    /// <summary>The value's element type and rank (ONNX Runtime needs them on graph inputs and outputs; Lla ignores them).</summary>
    private static TypeProto TypeOf(Tensor t)
    {
        var tensorType = new TypeProto.Types.Tensor
        {
            ElemType = (int)(t.dtype switch
            {
                ScalarType.Float32 => DataType.Float,
                ScalarType.Float64 => DataType.Double,
                ScalarType.Int32 => DataType.Int32,
                ScalarType.Bool => DataType.Bool,
                _ => DataType.Int64,
            }),
            Shape = new TensorShapeProto(),
        };
        foreach (long d in t.shape) tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new TypeProto { TensorType = tensorType };
    }

    private static TensorProto Proto(string name, Tensor t)
    {
        var p = new TensorProto { Name = name };
        p.Dims.AddRange(t.shape);
        using var flat = t.contiguous().flatten();
        if (t.dtype == ScalarType.Float32)
        {
            p.DataType = (int)DataType.Float;
            p.FloatData.AddRange(flat.data<float>().ToArray());
        }
        else if (t.dtype == ScalarType.Float64)
        {
            p.DataType = (int)DataType.Double;
            p.DoubleData.AddRange(flat.data<double>().ToArray());
        }
        else if (t.dtype == ScalarType.Int64)
        {
            p.DataType = (int)DataType.Int64;
            p.Int64Data.AddRange(flat.data<long>().ToArray());
        }
        else if (t.dtype == ScalarType.Int32)
        {
            p.DataType = (int)DataType.Int32;
            p.Int32Data.AddRange(flat.data<int>().ToArray());
        }
        else if (t.dtype == ScalarType.Bool)
        {
            p.DataType = (int)DataType.Bool;
            p.Int32Data.AddRange(flat.data<bool>().ToArray().Select(b => b ? 1 : 0));
        }
        else throw new ArgumentException($"no initializer of type {t.dtype} in these cases");
        return p;
    }

    /// <summary>‖Hv − finite differences‖ / ‖finite differences‖ for a random direction v over the input and the parameters.</summary>
    public static double RelativeError(Case c)
    {
        using var scope = NewDisposeScope();
        using var module = OnnxModel.Build("hvp", Model(c));
        if (c.Training) module.train(); else module.eval();
        // An integer first input (indices) is no variable: then only the parameters are.
        bool floating = c.Inputs[0].dtype == ScalarType.Float64;
        var x = floating ? c.Inputs[0].clone().requires_grad_(true) : c.Inputs[0];
        var variables = floating ? new List<Tensor> { x } : new List<Tensor>();
        // InputOnly: an output that no parameter reaches (autograd refuses variables outside the graph).
        if (!c.InputOnly) variables.AddRange(module.parameters());
        var generator = new Generator(7);
        Tensor y0;
        using (no_grad()) y0 = module.forward(x);
        var weights = randn(y0.shape, dtype: ScalarType.Float64, generator: generator);
        var v = variables.Select(p => randn(p.shape, dtype: ScalarType.Float64, generator: generator)).ToList();

        Tensor Loss()
        {
            var y = module.forward(x);
            return (weights * y).sum() + 0.5 * y.square().sum();
        }
        Tensor Gradient(bool createGraph)
        {
            var grads = torch.autograd.grad(new[] { Loss() }, variables, retain_graph: createGraph, create_graph: createGraph);
            return createGraph ? cat(grads.Select(g => g.flatten()).ToArray()) : cat(grads.Select(g => g.detach().flatten()).ToArray());
        }
        var g = Gradient(createGraph: true);
        var gv = (g * cat(v.Select(t => t.flatten()).ToArray())).sum();
        var hv = cat(torch.autograd.grad(new[] { gv }, variables).Select(t => t.flatten()).ToArray());

        const double h = 1e-5;
        Tensor Shifted(double step)
        {
            using (no_grad()) for (int i = 0; i < variables.Count; i++) variables[i].add_(v[i] * step);
            var grad = Gradient(createGraph: false);
            using (no_grad()) for (int i = 0; i < variables.Count; i++) variables[i].sub_(v[i] * step);
            return grad;
        }
        var fd = (Shifted(h) - Shifted(-h)) / (2 * h);
        return (hv - fd).norm().ToDouble() / Math.Max(fd.norm().ToDouble(), 1e-12);
    }

    private static readonly Generator Values = new(11);

    /// <summary>Random float64 values of size between 0.3 and 1.3 with random signs: away from kinks at 0.</summary>
    public static Tensor Away(params long[] shape)
    {
        var r = rand(shape, dtype: ScalarType.Float64, generator: Values) + 0.3;
        return where(rand(shape, dtype: ScalarType.Float64, generator: Values) < 0.5, -r, r);
    }

    /// <summary>Uniform float64 values in (low, high).</summary>
    public static Tensor Uniform(double low, double high, params long[] shape) =>
        low + (high - low) * rand(shape, dtype: ScalarType.Float64, generator: Values);

    public static Tensor Normal(params long[] shape) => randn(shape, dtype: ScalarType.Float64, generator: Values);
}
