using System.Text.Json.Serialization;

namespace Lla.Runs;

public sealed partial record RunResults
{
    /// <summary>`lla connect`: the paths drawn between model A and model B, one per path.</summary>
    [JsonPropertyOrder(70), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ModePathRecord>? Paths { get; init; }
    /// <summary>`lla connect`: model B, the checkpoints written, the alignment, the curve training and the verdict.</summary>
    [JsonPropertyOrder(71), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ConnectRecord? Connect { get; init; }
}

/// <summary>
/// One path between model A (t = 0) and model B (t = 1) of an `lla connect` run: loss and accuracy at every t on the
/// training and test splits (NaN, written null, without a test split) and the barriers
/// max_t [L(t) − ((1 − t)L(0) + tL(1))].
/// </summary>
/// <param name="Method">linear, bezier or chain.</param>
/// <param name="Aligned">Whether B was permuted to match A (weight matching) first.</param>
/// <param name="Bn">How BatchNorm was handled at each t: recompute, train or eval.</param>
public sealed record ModePathRecord(
    string Method,
    bool Aligned,
    string Bn,
    IReadOnlyList<double> T,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> TrainAccuracy,
    IReadOnlyList<double> TestLoss,
    IReadOnlyList<double> TestAccuracy,
    double TrainBarrier,
    double TestBarrier);

/// <summary>
/// What an `lla connect` run joined and wrote beside the paths: model B's weights file, the checkpoints in the run
/// folder (file names; null when not written), the weight matching, the curve training and the verdict.
/// </summary>
public sealed record ConnectRecord(
    string To,
    string? AlignedCheckpoint,
    string? BendCheckpoint,
    AlignmentRecord? Alignment,
    CurveTrainingRecord? Curve)
{
    /// <summary>Whether the paths connect A and B, decided and worded by <see cref="Connectedness"/>; null only in hand-made records.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ConnectionVerdict? Verdict { get; init; }
}

/// <summary>Weight matching: the objective Σ⟨W_A, π(W_B)⟩ before and after, the rounds, whether the last changed nothing.</summary>
public sealed record AlignmentRecord(double InnerBefore, double InnerAfter, int Rounds, bool Converged, IReadOnlyDictionary<string, int[]> Permutations);

/// <summary>
/// The bend's training: method, steps (one batch and one t each), epochs, SGD learning rate and momentum, seed,
/// the steps kept from an interrupted run, and the mean training loss on the curve in each epoch.
/// </summary>
public sealed record CurveTrainingRecord(string Method, int Steps, int Epochs, double LearningRate, double Momentum, long Seed,
    int StepsResumed, IReadOnlyList<double> EpochLosses);
