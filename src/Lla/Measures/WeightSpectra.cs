using System.Diagnostics;
using Lla.Objectives;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="WeightSpectra"/>.</summary>
public sealed record WeightSpectraOptions
{
    /// <summary>Layers whose pooled spectrum has fewer eigenvalues are skipped (WeightWatcher: 20).</summary>
    public int MinEigenvalues { get; init; } = 20;
}

/// <summary>The weight-spectra family (<see cref="WeightSpectra"/>): the weights only.</summary>
public sealed class SpectraFamily : MeasureFamily
{
    public static readonly SpectraFamily Instance = new();
    public override string Name => "spectra";
    public override int Order => 70;
    public override bool Cheap => true;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("ww_alpha", 1, "mean power-law exponent of the layers' weight spectra (WeightWatcher)") { DataFree = true },
        new("ww_alpha_weighted", 1, "mean α·log10 λmax of the layers' weight spectra") { DataFree = true },
        new("ww_log_spectral_norm", 1, "mean log10 of the layers' largest squared singular value") { DataFree = true },
        new("ww_stable_rank", 1, "mean stable rank Σλ/λmax of the layers") { DataFree = true },
    };

    /// <summary>Asked for alone on a model without readable weight matrices, the run would measure nothing.</summary>
    public override void CheckAlone(MeasureContext c)
    {
        if (!WeightSpectra.HasWeightMatrices(c.Model))
            throw new LlaException($"the weight-spectra measures are data-free readings of weight matrices, and {WeightSpectra.NoWeightMatrices}: nothing to measure");
    }

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => WeightSpectra.Compute(c.Model);
}

/// <summary>
/// Data-free weight-spectrum measures (Martin &amp; Mahoney, WeightWatcher). Per convolution or linear
/// layer the eigenvalues λ = σ_i(W)² (the min(rows, columns) singular values of W, squared; a
/// convolution W[c_out, c_in, kh, kw] contributes the kh·kw matrices W[:, :, a, b] of c_out × c_in, pooled
/// into one spectrum), unfolded raw weights (BatchNorm not folded). A power-law tail fit per layer
/// (<see cref="PowerLawFit"/>); model values are means over the analysed layers:
/// <c>ww_alpha</c> = mean α, <c>ww_alpha_weighted</c> = mean α·log10 λ_max,
/// <c>ww_log_spectral_norm</c> = mean log10 λ_max, <c>ww_stable_rank</c> = mean Σλ/λ_max.
/// All have direction +1 (heavier-tailed, i.e. smaller α, is read as better trained).
/// </summary>
public static class WeightSpectra
{
    public const string NoWeightMatrices = "the model has no convolution or linear layer whose weights can be read (a TorchScript model's layer types are not visible)";

    /// <summary>Whether the model has a layer these measures read (a convolution or linear layer).</summary>
    public static bool HasWeightMatrices(nn.Module model) => model.named_modules().Any(m => m.module is Conv2d || m.module is Linear);

    public static IReadOnlyList<MeasureValue> Compute(nn.Module model, WeightSpectraOptions? options = null)
    {
        options ??= new WeightSpectraOptions();
        var clock = Stopwatch.StartNew();
        var layers = new List<LayerPowerLaw>();
        var skipped = new List<SkippedLayer>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is Conv2d || module is Linear)
            {
                var eigenvalues = Eigenvalues(BatchNormFolding.WeightAndBias(module).Weight);
                int positive = eigenvalues.Count(v => v > 0);
                if (eigenvalues.Length < options.MinEigenvalues)
                    skipped.Add(new SkippedLayer(name, $"{eigenvalues.Length} eigenvalues, fewer than {options.MinEigenvalues}"));
                else if (positive < 2)
                    skipped.Add(new SkippedLayer(name, "fewer than two positive eigenvalues"));
                else layers.Add(Analyse(name, eigenvalues));
            }
            else if (!AnalysisMode.IsBatchNorm(module) && module.named_parameters(recurse: false).Any())
                skipped.Add(new SkippedLayer(name, $"{module.GetType().Name} is not a convolution or linear layer"));
        }
        double seconds = clock.Elapsed.TotalSeconds;

        MeasureValue Of(string name, Func<LayerPowerLaw, double> perLayer) => new()
        {
            Name = name, Family = SpectraFamily.Instance, Direction = 1, DataFree = true, Seconds = seconds,
            Value = layers.Count == 0 ? null : layers.Average(perLayer),
            Reason = layers.Count > 0 ? null : HasWeightMatrices(model) ? "no convolution or linear layer has enough eigenvalues" : NoWeightMatrices,
            Layers = layers, SkippedLayers = skipped,
        };
        return new[]
        {
            Of("ww_alpha", l => l.Alpha),
            Of("ww_alpha_weighted", l => l.Alpha * Math.Log10(l.LambdaMax)),
            Of("ww_log_spectral_norm", l => Math.Log10(l.LambdaMax)),
            Of("ww_stable_rank", l => l.StableRank),
        };
    }

    /// <summary>The pooled eigenvalues σ_i² of a linear weight [out, in] or of the kh·kw slices of a convolution kernel.</summary>
    public static double[] Eigenvalues(Tensor weight)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = weight.detach().to(ScalarType.Float64);
        var matrices = w.dim() switch
        {
            2 => w,
            4 => w.permute(2, 3, 0, 1),
            _ => throw new LlaException($"a weight of shape [{string.Join(",", weight.shape)}] is neither linear nor a 2-D convolution"),
        };
        return linalg.svdvals(matrices).square().reshape(-1).data<double>().ToArray();
    }

    /// <summary>The power-law fit, λ_max and stable rank of one layer's eigenvalues.</summary>
    public static LayerPowerLaw Analyse(string name, IReadOnlyList<double> eigenvalues)
    {
        var fit = PowerLawFit.Fit(eigenvalues);
        double max = eigenvalues.Max();
        return new LayerPowerLaw(name, fit.Alpha, fit.XMin, fit.KsDistance, fit.TailCount, eigenvalues.Count, max, eigenvalues.Sum() / max);
    }
}
