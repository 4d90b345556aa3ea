namespace Lla.Measures;

/// <summary>
/// One generalization measure of one model: its stable name, value and what it cost.
/// <para><see cref="Value"/> is null when the measure is unavailable, and <see cref="Reason"/> then says
/// why; a non-null value may also carry a <see cref="Reason"/> as a note (e.g. PAC-Bayes σ stopped at
/// the end of its search interval).</para>
/// <para><see cref="Direction"/> is +1 when a larger value predicts a larger generalization gap and −1
/// when it predicts a smaller one; scores use Direction × Value so that a good measure scores positive.</para>
/// <para>Costs: <see cref="ForwardPasses"/> and <see cref="BackwardPasses"/> count model forward and
/// backward passes over one batch (of whatever size); a measure derived from others (e.g.
/// log_spec_over_margin) carries the cost of everything it needed, so shared work is counted in each.</para>
/// </summary>
public sealed record MeasureValue
{
    public required string Name { get; init; }
    public required MeasureFamily Family { get; init; }
    public double? Value { get; init; }
    /// <summary>Why <see cref="Value"/> is null, or a note on how it was obtained.</summary>
    public string? Reason { get; init; }
    /// <summary>The standard error of a stochastic value (over its random draws); null where the value is deterministic.</summary>
    public double? Spread { get; init; }
    /// <summary>+1: larger value ⇒ larger generalization gap; −1: larger value ⇒ smaller gap.</summary>
    public required int Direction { get; init; }
    public double Seconds { get; init; }
    public long ForwardPasses { get; init; }
    public long BackwardPasses { get; init; }
    /// <summary>The measure needs the labels of the analysed data.</summary>
    public bool NeedsLabels { get; init; }
    /// <summary>The measure needs the initial weights θ₀.</summary>
    public bool NeedsInit { get; init; }
    /// <summary>The measure reads only the weights (at most the shape of one input), not the data.</summary>
    public bool DataFree { get; init; }
    /// <summary>Weight spectra only: the power-law fit of every analysed layer.</summary>
    public IReadOnlyList<LayerPowerLaw>? Layers { get; init; }
    /// <summary>Weight spectra only: layers left out, with the reason.</summary>
    public IReadOnlyList<SkippedLayer>? SkippedLayers { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public bool IsAvailable => Value.HasValue;

    /// <summary>Direction × Value, the score a correlation uses (null when unavailable).</summary>
    [System.Text.Json.Serialization.JsonIgnore] public double? Signed => Value * Direction;
}

/// <summary>
/// The power-law fit of one layer's pooled eigenvalues λ = σ_i(W)²: tail exponent α above x_min,
/// the Kolmogorov–Smirnov distance of the fit, the tail size, the number of eigenvalues, the largest
/// eigenvalue and the stable rank Σλ/λ_max.
/// </summary>
public sealed record LayerPowerLaw(string Layer, double Alpha, double XMin, double KsDistance, int TailCount,
    int EigenvalueCount, double LambdaMax, double StableRank);

/// <summary>A layer a measure left out, and why.</summary>
public sealed record SkippedLayer(string Layer, string Reason);
