using Lla.Data;
using System.Diagnostics;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of <see cref="Flatness"/>.</summary>
public sealed record FlatnessOptions
{
    public PacBayesOptions PacBayes { get; init; } = new();
    /// <summary>θ₀, the initial weights as one flat vector in <c>ParameterSet.Of(model)</c> order; the bounds need it.</summary>
    public Tensor? InitialParameters { get; init; }
    /// <summary>m, the training-set size in the bounds' log(m/σ) term; the bounds need it.</summary>
    public long? TrainingSetSize { get; init; }
}

/// <summary>The flatness family (<see cref="Flatness"/>): eval mode; `lla measure`'s only (a study does not offer it).</summary>
public sealed class FlatnessFamily : MeasureFamily
{
    public static readonly FlatnessFamily Instance = new();
    public override string Name => "flatness";
    public override int Order => 50;

    public override IReadOnlyList<MeasureInfo> Measures { get; } = new MeasureInfo[]
    {
        new("pacbayes_sigma", -1, "largest Gaussian weight noise that costs at most 0.1 accuracy") { NeedsLabels = true },
        new("pacbayes_flatness", 1, "1/σ² of that noise: sharper minima give larger values") { NeedsLabels = true },
        new("pacbayes_bound", 1, "a PAC-Bayes bound from σ and the distance from initialization") { NeedsLabels = true, NeedsInit = true },
        new("pacbayes_mag_sigma", -1, "the same with noise scaled to each weight's magnitude") { NeedsLabels = true },
        new("pacbayes_mag_flatness", 1, "1/σ'² of the magnitude-aware noise") { NeedsLabels = true },
        new("pacbayes_mag_bound", 1, "the same bound with the magnitude-aware σ'") { NeedsLabels = true, NeedsInit = true },
        new("fisher_rao", 1, "Fisher-Rao norm: how strongly the loss reacts to scaling the weights") { NeedsLabels = true },
    };

    public override IReadOnlyList<MeasureValue> Compute(MeasureContext c) => Flatness.Compute(c.Model, c.Batches, new FlatnessOptions
    {
        InitialParameters = c.InitialParameters, TrainingSetSize = c.TrainingSetSize?.Invoke(), PacBayes = new PacBayesOptions { Seed = c.Seed },
    });
}

/// <summary>
/// The flatness family: PAC-Bayes σ and flatness 1/σ² (isotropic and magnitude-aware, see
/// <see cref="PacBayes"/>), the PAC-Bayes bounds ‖θ − θ₀‖²/(4σ²) + log(m/σ) + 10 with σ or σ' (METHOD.md's
/// formula, σ a standard deviation), and the Fisher-Rao norm (<see cref="FisherRao"/>). Accuracy and
/// gradients in eval mode; the model is restored.
/// </summary>
public static class Flatness
{
    public static IReadOnlyList<MeasureValue> Compute(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, FlatnessOptions? options = null)
    {
        options ??= new FlatnessOptions();
        if (batches.Count == 0) throw new LlaException("no data: the flatness measures need at least one batch");
        var results = new List<MeasureValue>();
        double? distanceSquared = null;
        if (options.InitialParameters is { } initial)
        {
            using var scope = NewDisposeScope();
            using var theta = ParameterSet.Of(model).Flatten();
            if (initial.dim() != 1 || initial.shape[0] != theta.shape[0])
                throw new LlaException($"the initial weights have {initial.numel()} values, the model has {theta.shape[0]} trainable parameters");
            using var d = theta - initial.to(theta.dtype, theta.device);
            distanceSquared = d.square().sum().ToDouble();
        }

        foreach (bool magnitude in new[] { false, true })
        {
            string prefix = magnitude ? "pacbayes_mag_" : "pacbayes_";
            var clock = Stopwatch.StartNew();
            var search = PacBayes.FindSigma(model, batches, magnitude, options.PacBayes);
            double seconds = clock.Elapsed.TotalSeconds;
            var common = new MeasureValue
            {
                Name = prefix + "sigma", Family = FlatnessFamily.Instance, Direction = -1, Seconds = seconds,
                ForwardPasses = search.ForwardPasses, NeedsLabels = true,
            };
            double sigma = search.Sigma;
            results.Add(common with { Value = sigma, Reason = search.Note });
            results.Add(common with
            {
                Name = prefix + "flatness", Direction = 1,
                Value = sigma > 0 ? 1 / (sigma * sigma) : null,
                Reason = sigma > 0 ? search.Note : "σ = 0: no noise keeps the accuracy within the allowed drop",
            });
            var bound = common with { Name = prefix + "bound", Direction = 1, NeedsInit = true };
            if (distanceSquared is null) bound = bound with { Reason = "the initial weights θ₀ were not given (training saves them)" };
            else if (options.TrainingSetSize is not { } m || m < 1) bound = bound with { Reason = "the training-set size m was not given" };
            else if (sigma <= 0) bound = bound with { Reason = "σ = 0: the bound is infinite" };
            else bound = bound with { Value = distanceSquared.Value / (4 * sigma * sigma) + Math.Log(m / sigma) + 10 };
            results.Add(bound);
        }

        var frClock = Stopwatch.StartNew();
        var (fisherRao, forward, backward) = FisherRao.Compute(model, batches);
        results.Add(new MeasureValue
        {
            Name = "fisher_rao", Family = FlatnessFamily.Instance, Direction = 1, Value = fisherRao, Seconds = frClock.Elapsed.TotalSeconds,
            ForwardPasses = forward, BackwardPasses = backward, NeedsLabels = true,
        });
        return results;
    }
}
