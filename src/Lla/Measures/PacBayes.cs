using Lla.Data;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>Options of the PAC-Bayes flatness search (METHOD.md's defaults).</summary>
public sealed record PacBayesOptions
{
    /// <summary>The accuracy drop the noise may cause: E_u[acc(θ + u)] ≥ acc(θ) − drop.</summary>
    public double AccuracyDrop { get; init; } = 0.1;
    /// <summary>Fixed noise draws z ~ N(0, I), the same for every σ.</summary>
    public int Draws { get; init; } = 10;
    /// <summary>Bisection halvings of [0, <see cref="UpperSigma"/>].</summary>
    public int Halvings { get; init; } = 15;
    public double UpperSigma { get; init; } = 2;
    /// <summary>ε of the magnitude-aware noise u_i = z_i·√(σ'²θ_i² + ε²).</summary>
    public double MagnitudeEpsilon { get; init; } = 1e-3;
    public long Seed { get; init; } = 0;
}

/// <summary>The outcome of one σ search: σ, the bisection's resolution, acc(θ) and E_u[acc] at σ; a note when σ is the interval's upper end.</summary>
public sealed record PacBayesSearch(double Sigma, double Resolution, double BaseAccuracy, double ExpectedAccuracyAtSigma, string? Note, long ForwardPasses);

/// <summary>
/// PAC-Bayes flatness (Jiang et al. 2020; Dziugaite et al. 2020): the largest noise scale σ with
/// E_u[acc(θ + u)] ≥ acc(θ) − 0.1, u = σz over fixed draws z ~ N(0, I) (isotropic), or
/// u_i = z_i·√(σ'²θ_i² + ε²) (magnitude-aware), by bisection on [0, 2]: lo = 0, hi = 2, 15 times
/// mid = (lo + hi)/2 and lo = mid when the condition holds at mid, else hi = mid; σ = lo, so the
/// condition holds at σ and fails at σ + 2/2¹⁵ unless σ is 0 or 2. When the condition already holds at
/// σ = 2 (e.g. a network at chance accuracy), σ = 2 with that note. Accuracy on all the data in eval mode.
/// The parameters are restored exactly afterwards.
/// </summary>
public static class PacBayes
{
    public static PacBayesSearch FindSigma(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, bool magnitudeAware, PacBayesOptions? options = null)
    {
        options ??= new PacBayesOptions();
        if (options.Draws < 1 || options.Halvings < 1 || !(options.UpperSigma > 0)) throw new LlaException("PAC-Bayes needs at least one draw, one halving and a positive upper σ");
        using var noise = new NoiseDraws(model, options);
        long passes = 0;
        double Expected(double sigma) { passes += noise.Draws * batches.Count; return noise.ExpectedAccuracy(model, batches, sigma, magnitudeAware); }

        passes += batches.Count;
        double baseAccuracy = Accuracy(model, batches);
        double target = baseAccuracy - options.AccuracyDrop;
        double resolution = options.UpperSigma / Math.Pow(2, options.Halvings);
        double atUpper = Expected(options.UpperSigma);
        if (atUpper >= target)
            return new PacBayesSearch(options.UpperSigma, resolution, baseAccuracy, atUpper,
                $"the accuracy stays within {options.AccuracyDrop} of acc(θ) = {baseAccuracy:G4} even at σ = {options.UpperSigma}, the end of the search interval (e.g. a network at chance accuracy)", passes);
        double lo = 0, hi = options.UpperSigma, atLo = baseAccuracy;
        for (int i = 0; i < options.Halvings; i++)
        {
            double mid = (lo + hi) / 2;
            double expected = Expected(mid);
            if (expected >= target) { lo = mid; atLo = expected; }
            else hi = mid;
        }
        if (lo == 0) atLo = Expected(0);
        return new PacBayesSearch(lo, resolution, baseAccuracy, atLo, lo == 0 ? "no σ > 0 keeps the accuracy within the allowed drop" : null, passes);
    }

    /// <summary>E_u[acc(θ + u)] over the fixed draws at noise scale σ (the parameters are restored).</summary>
    public static double ExpectedAccuracy(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, double sigma, bool magnitudeAware, PacBayesOptions? options = null)
    {
        using var noise = new NoiseDraws(model, options ?? new PacBayesOptions());
        return noise.ExpectedAccuracy(model, batches, sigma, magnitudeAware);
    }

    /// <summary>Accuracy (argmax against int64 labels) over all batches, eval mode.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches)
    {
        using var mode = new EvalModeScope(model);
        using var _ = no_grad();
        double correct = 0, total = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var z = model.call(batch.Inputs);
            if (batch.Targets.dtype != ScalarType.Int64 || z.dim() != 2)
                throw new LlaException("PAC-Bayes flatness needs class-index labels (int64) and outputs [batch, classes]");
            correct += z.argmax(1).eq(batch.Targets).sum().ToDouble();
            total += batch.Count;
        }
        return correct / total;
    }

    /// <summary>The fixed draws z_k (seeded), θ, and the restoring of θ on dispose.</summary>
    private sealed class NoiseDraws : IDisposable
    {
        private readonly ParameterSet _parameters;
        private readonly Tensor _theta;
        private readonly Tensor[] _z;
        private readonly double _epsilon;

        public NoiseDraws(nn.Module model, PacBayesOptions options)
        {
            _parameters = ParameterSet.Of(model);
            _theta = _parameters.Flatten().DetachFromDisposeScope();
            _epsilon = options.MagnitudeEpsilon;
            _z = Enumerable.Range(0, options.Draws)
                .Select(k => randn(_theta.shape, dtype: _theta.dtype, device: _theta.device, generator: new Generator((ulong)(options.Seed * 1_000_003 + 7_777 + k))).DetachFromDisposeScope())
                .ToArray();
        }

        public int Draws => _z.Length;

        public double ExpectedAccuracy(nn.Module<Tensor, Tensor> model, IReadOnlyList<Batch> batches, double sigma, bool magnitudeAware)
        {
            double sum = 0;
            try
            {
                foreach (var z in _z)
                {
                    using (var scope = NewDisposeScope())
                    {
                        var u = magnitudeAware ? z * (_theta.square() * (sigma * sigma) + _epsilon * _epsilon).sqrt() : z * sigma;
                        _parameters.Assign(_theta + u);
                    }
                    sum += Accuracy(model, batches);
                }
            }
            finally
            {
                _parameters.Assign(_theta);
            }
            return sum / _z.Length;
        }

        public void Dispose()
        {
            _parameters.Assign(_theta);
            _theta.Dispose();
            foreach (var z in _z) z.Dispose();
        }
    }
}
