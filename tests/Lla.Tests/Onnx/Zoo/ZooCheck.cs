using Lla.Curvature;
using Lla.Objectives;
using Lla.Onnx;
using Lla.Vectors;

namespace Lla.Tests.Onnx.Zoo;

/// <summary>One exported architecture against make_zoo.py's PyTorch numbers: it loads, its logits and its top Hessian eigenvalue.</summary>
internal static class ZooCheck
{
    /// <summary>
    /// float32 logits, relative to the largest PyTorch logit: both run the same float32 network with different
    /// kernels (libtorch 2.10 here, PyTorch 1.13 there), whose summation orders differ by ~1e-7 per operation;
    /// over the tens of layers of these networks that stays below ~1e-5, so 1e-4 leaves room and still catches
    /// any operator that computes something else (a wrong padding or axis moves logits by far more).
    /// </summary>
    public const double LogitTolerance = 1e-4;

    /// <summary>
    /// The float64 top eigenvalue, relative: HVPs by double backward are exact to ~1e-14, and both Lanczos runs
    /// stop with a residual bound of 1e-10 (here) and 1e-12 (PyTorch), so the Ritz values agree far closer than 1e-6.
    /// </summary>
    public const double EigenvalueTolerance = 1e-6;

    /// <summary>
    /// The export loads, with PyTorch's parameter count and no tied initializer, and its float32 logits are PyTorch's.
    /// Returns the largest difference relative to the largest PyTorch logit.
    /// </summary>
    public static double Logits(string name, int opset)
    {
        var reference = ZooFiles.Reference(name);
        using var model = OnnxModel.Load(ZooFiles.Model(name, opset));
        Assert.Equal(opset, model.Opset);
        // make_zoo.py gives every parameter its own values, so the exporter merges none and none is tied.
        Assert.Empty(model.TiedInitializerNotes);
        Assert.Equal(reference.Parameters, model.parameters().Sum(p => p.numel()));
        model.eval();

        using (var batch = ZooFiles.Batch(name))
        using (var _ = no_grad())
        using (var logits = model.forward(batch.Inputs))
        using (var expected = tensor(reference.Logits.SelectMany(r => r).ToArray()).reshape(reference.Logits.Length, reference.Logits[0].Length))
        {
            Assert.Equal(expected.shape, logits.shape);
            double difference = (logits.to(ScalarType.Float64) - expected).abs().max().ToDouble();
            double relative = difference / expected.abs().max().ToDouble();
            Assert.True(relative <= LogitTolerance, $"{name} opset {opset}: logits differ from PyTorch's by {relative:E2} relative");
            return relative;
        }

    }

    /// <summary>The export's float64 top Hessian eigenvalue (eval mode) is PyTorch's. Returns the relative difference.</summary>
    public static double TopEigenvalue(string name, int opset) => TopEigenvalue(name, opset, basis: null).Error;

    /// <summary>
    /// As <see cref="TopEigenvalue(string, int)"/>, with the Lanczos basis forced to <paramref name="basis"/> vectors (null: the
    /// plan's) and a step limit of 400 then, so a small basis restarts (thick restart) and still reaches the tolerance.
    /// </summary>
    public static (double Error, int Restarts, int Steps) TopEigenvalue(string name, int opset, int? basis)
    {
        var reference = ZooFiles.Reference(name);
        double expected = reference.TopEigenvalue ?? throw new InvalidOperationException($"reference.json records no eigenvalue for {name}");
        using var model = OnnxModel.Load(ZooFiles.Model(name, opset));
        model.to(ScalarType.Float64).eval();
        using var data = ZooFiles.Batch(name, ScalarType.Float64);
        var op = new HessianOperator(new Objective(model, LossFunctions.CrossEntropy, new[] { data }), ParameterSet.Of(model));
        // The basis holds MaxSteps vectors of every parameter: a few steps beyond PyTorch's keep it small for the big networks.
        var options = new LanczosOptions { K = 1, Tolerance = 1e-10, MaxSteps = basis is null ? reference.LanczosSteps + 10 : 400, Seed = 7, Basis = basis };
        var result = Lanczos.TopEigenpairs(op, options);
        double eigenvalue = result.Values[0];
        double error = Math.Abs(eigenvalue - expected) / Math.Abs(expected);
        Assert.True(error <= EigenvalueTolerance, $"{name} opset {opset}: λ1 {eigenvalue:R} vs PyTorch's {expected:R} ({error:E2} relative)");
        Assert.True(result.Pairs[0].Converged, $"{name} opset {opset}: residual {result.Pairs[0].Residual:E2}");
        return (error, result.Restarts ?? 0, result.Steps);
    }
}
