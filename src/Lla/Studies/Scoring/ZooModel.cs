namespace Lla.Studies.Scoring;

/// <summary>
/// One trained model of a zoo: its hyperparameter values (axis name → value, compared as text),
/// its train and test accuracy (fractions) and its measures (name → value, NaN when unavailable),
/// each oriented so that a larger value predicts a larger generalization gap.
/// </summary>
public sealed record ZooModel(
    string Name,
    IReadOnlyDictionary<string, string> Axes,
    double TrainAccuracy,
    double TestAccuracy,
    IReadOnlyDictionary<string, double> Measures)
{
    /// <summary>The generalization gap: train accuracy (on the labels trained with) − test accuracy.</summary>
    public double Gap => TrainAccuracy - TestAccuracy;
}
