namespace Lla.Connectivity;

/// <summary>The shape of a path between two models θ_A and θ_B.</summary>
public enum PathMethod
{
    /// <summary>θ(t) = (1 − t)θ_A + tθ_B.</summary>
    Linear,
    /// <summary>Quadratic Bezier curve φ(t) = (1 − t)²θ_A + 2t(1 − t)θ_C + t²θ_B through a trained bend θ_C.</summary>
    Bezier,
    /// <summary>Polygonal chain θ_A → θ_C → θ_B, each half linear (θ_C at t = 1/2).</summary>
    Chain,
}

/// <summary>How BatchNorm layers normalize at each point of a path (recorded in the result; no effect on models without BatchNorm).</summary>
public enum PathBatchNorm
{
    /// <summary>
    /// Reset the running statistics at every t, recompute them in one train-mode pass over the training
    /// batches as a cumulative (equal-weight per batch) average, then evaluate in eval mode. The default:
    /// interpolated weights need their own statistics.
    /// </summary>
    Recompute,
    /// <summary>Every batch is normalized with its own statistics (train-mode BatchNorm).</summary>
    Train,
    /// <summary>Eval mode with the running statistics interpolated along the path like the weights.</summary>
    Eval,
}
