using Lla.Data;
using System.Diagnostics;
using Lla.Objectives;
using Lla.Vectors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="MarginAndNorms"/>.</summary>
public sealed record MarginAndNormsOptions
{
    /// <summary>θ₀, the initial weights as one flat vector in <c>ParameterSet.Of(model)</c> order (training saves them); without it dist_init is unavailable.</summary>
    public Tensor? InitialParameters { get; init; }
    /// <summary>The percentile of the per-sample margins that defines γ (Jiang et al.: the 10th).</summary>
    public double MarginQuantile { get; init; } = 0.1;
}

/// <summary>The margin family (<see cref="MarginAndNorms"/>): eval mode.</summary>
public sealed class MarginFamily : MeasureFamily
{
    public static readonly MarginFamily Instance = new();
    public override string Name => "margin";
    public override int Order => 30;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("margin", -1, "10th percentile of the logit margin f(x)_y − max_j≠y f(x)_j") { NeedsLabels = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => MarginAndNorms.Compute(c.Model, c.Batches).Where(m => m.Family == this).ToArray();
}

/// <summary>The norm family (<see cref="MarginAndNorms"/>): the weights (BatchNorm folded), with margins for the ratios; eval mode.</summary>
public sealed class NormsFamily : MeasureFamily
{
    public static readonly NormsFamily Instance = new();
    public override string Name => "norms";
    public override int Order => 40;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("log_spec_prod", 1, "log product of the layers' squared spectral norms (BatchNorm folded)") { DataFree = true },
        new("log_frob_prod", 1, "log product of the layers' squared Frobenius norms (BatchNorm folded)") { DataFree = true },
        new("log_spec_over_margin", 1, "spectral norm product over the squared margin (log)") { NeedsLabels = true },
        new("log_frob_over_margin", 1, "Frobenius norm product over the squared margin (log)") { NeedsLabels = true },
        new("param_norm", 1, "squared length of the weight vector") { DataFree = true },
        new("dist_init", 1, "distance travelled from the initial weights") { DataFree = true, NeedsInit = true },
        new("path_norm", 1, "sum over input-output paths of the squared weights (BatchNorm folded)") { DataFree = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) =>
        MarginAndNorms.Compute(c.Model, c.Batches, new MarginAndNormsOptions { InitialParameters = c.InitialParameters }).Where(m => m.Family == this).ToArray();
}

/// <summary>
/// Margin and norm measures (METHOD.md, "Generalization measures"; Jiang et al. 2020):
/// <list type="bullet">
/// <item><c>margin</c> γ: the 10th percentile over samples of f(x)_y − max_{j≠y} f(x)_j (linear
/// interpolation between order statistics), eval mode;</item>
/// <item><c>log_spec_prod</c> = Σ_l log σ_max(W_l)², <c>log_frob_prod</c> = Σ_l log ‖W_l‖_F², over the
/// convolution and linear layers with BatchNorm folded in (<see cref="BatchNormFolding"/>);
/// convolutions by <see cref="ConvolutionSpectralNorm"/> at their traced input size;</item>
/// <item><c>log_spec_over_margin</c>, <c>log_frob_over_margin</c>: the same minus 2 log γ (null when γ ≤ 0);</item>
/// <item><c>param_norm</c> ‖θ‖₂² and <c>dist_init</c> ‖θ − θ₀‖₂ over the raw trainable parameter vector
/// (all trainable tensors, BatchNorm's γ and β included, unfolded: θ is the notation's parameter vector);</item>
/// <item><c>path_norm</c>: the folded network with every weight and bias squared, fed an input of all ones
/// (one sample of the data's shape), eval mode; the sum of its outputs.</item>
/// </list>
/// The model is left as it was found (modes, parameters, buffers).
/// </summary>
public static class MarginAndNorms
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, MarginAndNormsOptions? options = null)
    {
        options ??= new MarginAndNormsOptions();
        if (batches.Count == 0) throw new LlaException("no data: the margin and norm measures need at least one batch");
        if (!(options.MarginQuantile >= 0 && options.MarginQuantile <= 1)) throw new LlaException($"the margin quantile must lie in [0, 1], not {options.MarginQuantile}");
        var results = new List<MeasureValue>();

        var clock = Stopwatch.StartNew();
        var (gamma, marginReason) = Margin(model, batches, options.MarginQuantile);
        double marginSeconds = clock.Elapsed.TotalSeconds;
        long marginPasses = batches.Count;
        results.Add(new MeasureValue
        {
            Name = "margin", Family = MarginFamily.Instance, Direction = -1, Value = gamma, Reason = marginReason,
            Seconds = marginSeconds, ForwardPasses = marginPasses, NeedsLabels = true,
        });

        clock.Restart();
        var trace = LayerTrace.Record(model, batches[0].Inputs);
        var layers = BatchNormFolding.Fold(model, trace);
        double foldSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var (logSpec, specReason) = LogSpectralProduct(layers, trace);
        double specSeconds = foldSeconds + clock.Elapsed.TotalSeconds;
        results.Add(Norm("log_spec_prod", logSpec, specReason, specSeconds, 1));

        clock.Restart();
        double logFrob = layers.Sum(l => Math.Log(l.Weight.square().sum().ToDouble()));
        double frobSeconds = foldSeconds + clock.Elapsed.TotalSeconds;
        results.Add(Norm("log_frob_prod", logFrob, null, frobSeconds, 1));

        results.Add(OverMargin("log_spec_over_margin", logSpec, specReason, gamma, marginReason, specSeconds + marginSeconds, 1 + marginPasses));
        results.Add(OverMargin("log_frob_over_margin", logFrob, null, gamma, marginReason, frobSeconds + marginSeconds, 1 + marginPasses));

        clock.Restart();
        var parameters = ParameterSet.Of(model);
        using (var theta = parameters.Flatten())
        {
            results.Add(Norm("param_norm", theta.square().sum().ToDouble(), null, clock.Elapsed.TotalSeconds, 0));
            clock.Restart();
            results.Add(DistanceToInit(theta, options.InitialParameters, clock));
        }

        clock.Restart();
        double path = PathNorm(model, batches[0].Inputs, trace);
        results.Add(Norm("path_norm", path, null, clock.Elapsed.TotalSeconds + foldSeconds, 2));

        foreach (var l in layers) { l.Weight.Dispose(); l.Bias?.Dispose(); }
        return results;
    }

    /// <summary>Per-sample margins f(x)_y − max_{j≠y} f(x)_j over all batches (eval mode).</summary>
    public static Tensor Margins(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches)
    {
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        var parts = new List<Tensor>();
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var z = model.call(batch.Inputs);
            if (batch.Targets.dtype != ScalarType.Int64 || z.dim() != 2)
                throw new LlaException("the margin needs class-index labels (int64) and outputs [batch, classes]");
            if (z.shape[1] < 2) throw new LlaException("the margin needs at least two classes");
            var y = batch.Targets.unsqueeze(1);
            var correct = z.gather(1, y).squeeze(1);
            var others = z.scatter(1, y, full_like(correct.unsqueeze(1), double.NegativeInfinity)).max(1).values;
            parts.Add((correct - others).to(ScalarType.Float64).MoveToOuterDisposeScope());
        }
        var all = cat(parts.ToArray());
        foreach (var p in parts) p.Dispose();
        return all;
    }

    private static (double? Gamma, string? Reason) Margin(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, double q)
    {
        using var scope = NewDisposeScope();
        var margins = Margins(model, batches);
        return (quantile(margins, q).ToDouble(), null);
    }

    /// <summary>Σ_l log σ_max(W_l)²; null with a reason when a convolution's input size was not traced.</summary>
    public static (double? Value, string? Reason) LogSpectralProduct(IReadOnlyList<FoldedLayer> layers, LayerTrace trace)
    {
        double sum = 0;
        foreach (var layer in layers)
        {
            double sigma;
            if (layer.Module is Conv2d)
            {
                var shape = trace.InputShapeOf(layer.Name);
                if (shape is null || shape.Length != 4)
                    return (null, $"the input size of convolution '{layer.Name}' is unknown: the forward pass does not call it through call(x), so no hook saw it");
                var conv = (Conv2d)layer.Module;
                sigma = ConvolutionSpectralNorm.Compute(layer.Weight, shape[2], shape[3], conv.groups, conv.dilation);
            }
            else
            {
                using var s = linalg.svdvals(layer.Weight);
                sigma = s.max().ToDouble();
            }
            sum += 2 * Math.Log(sigma);
        }
        return (sum, null);
    }

    /// <summary>
    /// Path norm: fold BatchNorm in place, square every weight and bias (a folded BatchNorm is a
    /// shift by its folded bias, squared too), feed one all-ones input, sum the outputs; then restore.
    /// The folding is checked first on one sample: it must leave the outputs unchanged (float64: 1e-9,
    /// otherwise 1e-4, relative to the largest output), else an <see cref="LlaException"/>.
    /// </summary>
    public static double PathNorm(nn.Module<Tensor, Tensor> model, Tensor exampleInputs, LayerTrace? trace)
    {
        using var snapshot = new ModelSnapshot(model);
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var shape = exampleInputs.shape.ToArray();
        shape[0] = 1;
        var sample = exampleInputs.narrow(0, 0, 1);
        var unfolded = model.call(sample);
        BatchNormFolding.FoldInPlace(model, trace);
        // A wrong pairing (a BatchNorm after an activation or after a layer the trace did not see) changes the function.
        double change = (model.call(sample) - unfolded).abs().max().ToDouble(), size = unfolded.abs().max().ToDouble();
        double tolerance = exampleInputs.dtype == ScalarType.Float64 ? 1e-9 : 1e-4;
        if (!(change <= tolerance * Math.Max(size, 1)))
            throw new LlaException($"folding BatchNorm changed the model's outputs by {change:G3}: some BatchNorm does not directly follow the convolution or linear layer it was paired with");
        foreach (var (_, module) in model.named_modules())
        {
            if (module is Conv2d || module is Linear)
            {
                var (w, b) = BatchNormFolding.WeightAndBias(module);
                w.pow_(2);
                b?.pow_(2);
            }
            else if (AnalysisMode.IsBatchNorm(module))
                foreach (var (name, p) in module.named_parameters(recurse: false))
                    if (name == "bias") p.pow_(2);
        }
        var output = model.call(ones(shape, dtype: exampleInputs.dtype, device: exampleInputs.device));
        return output.to(ScalarType.Float64).sum().ToDouble();
    }

    private static MeasureValue DistanceToInit(Tensor theta, Tensor? initial, Stopwatch clock)
    {
        var value = new MeasureValue { Name = "dist_init", Family = NormsFamily.Instance, Direction = 1, NeedsInit = true, DataFree = true };
        if (initial is null) return value with { Reason = "the initial weights θ₀ were not given (training saves them)" };
        if (initial.dim() != 1 || initial.shape[0] != theta.shape[0])
            throw new LlaException($"the initial weights have {initial.numel()} values, the model has {theta.shape[0]} trainable parameters");
        using var d = theta - initial.to(theta.dtype, theta.device);
        return value with { Value = d.norm().ToDouble(), Seconds = clock.Elapsed.TotalSeconds };
    }

    private static MeasureValue Norm(string name, double? value, string? reason, double seconds, long forwardPasses) => new()
    {
        Name = name, Family = NormsFamily.Instance, Direction = 1, Value = value, Reason = reason,
        Seconds = seconds, ForwardPasses = forwardPasses, DataFree = true,
    };

    private static MeasureValue OverMargin(string name, double? logNorm, string? normReason, double? gamma, string? marginReason, double seconds, long passes)
    {
        var value = new MeasureValue
        {
            Name = name, Family = NormsFamily.Instance, Direction = 1, Seconds = seconds, ForwardPasses = passes, NeedsLabels = true,
        };
        if (logNorm is null) return value with { Reason = normReason };
        if (gamma is null) return value with { Reason = marginReason };
        if (gamma <= 0) return value with { Reason = $"the margin γ = {gamma:G4} is not positive, so log γ is undefined" };
        return value with { Value = logNorm - 2 * Math.Log(gamma.Value) };
    }
}
