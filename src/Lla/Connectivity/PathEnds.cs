using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>
/// The two ends of a path: θ_A and θ_B as states of one architecture, and whether θ_B was permuted to match
/// θ_A (weight matching). Built from two models (<see cref="Of"/>) or from model A and a weight-matching result
/// (<see cref="AlignedWith"/>).
/// </summary>
public sealed record PathEnds
{
    public ModelState A { get; }
    public ModelState B { get; }
    public bool Aligned { get; }

    public PathEnds(ModelState a, ModelState b, bool aligned)
    {
        a.RequireSameArchitecture(b);
        (A, B, Aligned) = (a, b, aligned);
    }

    /// <summary>Copies of the two models' states; <see cref="LlaException"/> naming the mismatch when they differ in architecture.</summary>
    public static PathEnds Of(nn.Module modelA, nn.Module modelB) => new(ModelState.Of(modelA), ModelState.Of(modelB), aligned: false);

    /// <summary>Model A and model B permuted by weight matching.</summary>
    public static PathEnds AlignedWith(nn.Module modelA, WeightMatchingResult matching) => new(ModelState.Of(modelA), matching.AlignedB, aligned: true);
}
