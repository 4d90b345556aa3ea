namespace Lla.Studies.Scoring;

/// <summary>A statistic with a 95% percentile bootstrap interval (NaN bounds when it has none).</summary>
public sealed record Interval(double Value, double Low, double High);

/// <summary>
/// How well one measure ranks a zoo's generalization gaps (METHOD.md "Scoring a measure"):
/// Kendall τ_b over all models, granulated Ψ over the hyperparameter axes, the worst-case
/// coupled-pair sign-error over environments, and the PGDL competition's CMI over pairs of axes.
/// Every score is oriented: a good measure has τ, Ψ and CMI near 1 and sign-errors near 0.
/// </summary>
public sealed record MeasureScore
{
    public required string Name { get; init; }
    /// <summary>Models with a finite value of the measure (the others are left out and counted).</summary>
    public int Models { get; init; }
    public int ModelsWithoutValue { get; init; }
    public required Interval Tau { get; init; }
    /// <summary>Ψ = mean over axes of ψ_i; NaN when no axis has a group where τ is defined.</summary>
    public required Interval Psi { get; init; }
    /// <summary>ψ_i per axis (NaN for an axis without a defined group).</summary>
    public required IReadOnlyDictionary<string, double> PsiPerAxis { get; init; }
    /// <summary>Groups of Ψ skipped because the gap or the measure is constant in them (τ_b undefined).</summary>
    public int PsiGroupsSkipped { get; init; }
    /// <summary>Mean sign-error over the environments that kept a pair, with a bootstrap interval over environments.</summary>
    public required Interval SignErrorMean { get; init; }
    public double SignErrorP90 { get; init; }
    public double SignErrorMax { get; init; }
    public int Environments { get; init; }
    /// <summary>Environments with at least one pair of weight ≥ 0.5 (the only ones scored).</summary>
    public int EnvironmentsKept { get; init; }
    /// <summary>The conditional mutual information score (<see cref="ConditionalMutualInformation"/>): the value in [0, 1] or null with its reason.</summary>
    public required CmiScore Cmi { get; init; }
}
