using Lla.Measures;

namespace Lla.Studies;

/// <summary>
/// The measures a study can compute per model and dataset (its config's <c>measures</c>), with what
/// each means for scoring: family, direction (+1: a larger value predicts a larger gap / a lower
/// accuracy), whether it needs the labels and whether it reads the data at all. re, kh, ct,
/// lambda_max and trace come from the study's own SLQ runs (lambda_max: the largest Ritz value of a
/// run; trace: d·Σ wᵢθᵢ of a run's quadrature); re_predicted and kh_predicted from a second SLQ with
/// the model's argmax labels; the families a study offers (<see cref="MeasureFamily.InStudies"/>) on
/// each analysed batch, the cheap ones by default. All of it read from <see cref="MeasureFamilies"/>.
/// </summary>
public static class StudyMeasures
{
    /// <summary>The measures of the study's own SLQ (stored in <see cref="StudyMeasurement.Criteria"/> or beside it).</summary>
    public static readonly IReadOnlySet<string> FromSpectrum = new HashSet<string> { "re", "kh", "ct", "lambda_max", "trace" };

    /// <summary>The curvature criteria with the model's own labels: a second SLQ per analysed batch.</summary>
    public static readonly IReadOnlyList<string> Predicted = new[] { "re_predicted", "kh_predicted" };

    /// <summary>The measures a study computes when its config names none: its SLQ's, the cheap families' (<see cref="MeasureFamilies.Cheap"/>), the predicted-label criteria.</summary>
    public static IReadOnlyList<string> Default => new[] { "re", "kh", "ct", "lambda_max", "trace" }
        .Concat(MeasureFamilies.Cheap.Where(f => f.InStudies).SelectMany(f => f.Measures.Select(m => m.Name)))
        .Concat(Predicted).ToArray();

    /// <summary>Every measure a study offers: the default ones and those of the other families a study offers (<see cref="MeasureFamily.InStudies"/>: sharpness, about a second per 256 samples on a LeNet, so asked for by name); hessian_frobenius and flatness are `lla measure`'s only.</summary>
    public static IReadOnlyList<string> Known => Default
        .Concat(MeasureFamilies.All.Where(f => f.InStudies && !f.Cheap).SelectMany(f => f.Measures.Select(m => m.Name))).ToArray();

    /// <summary>Measures that read only the weights: the same on every dataset, so "n/a" across datasets.</summary>
    public static IReadOnlySet<string> DataFree => MeasureFamilies.All.SelectMany(f => f.Measures).Where(m => m.DataFree).Select(m => m.Name).ToHashSet();

    /// <summary>Measures computed without the data's labels (and not data-free).</summary>
    public static IReadOnlySet<string> LabelFree => MeasureFamilies.All.SelectMany(f => f.Measures).Where(m => !m.NeedsLabels && !m.DataFree).Select(m => m.Name).ToHashSet();

    public static bool NeedsLabels(string name) => Declared(name).Measure.NeedsLabels;

    public static (MeasureFamily Family, int Direction) Meaning(string name)
    {
        var (family, measure) = Declared(name);
        return (family, measure.Direction);
    }

    private static (MeasureFamily Family, MeasureInfo Measure) Declared(string name) =>
        MeasureFamilies.OfMeasure(name) ?? throw new LlaException($"unknown measure '{name}'");

    /// <summary>Checks a config's list: known names, none twice, at least one.</summary>
    public static void Check(IReadOnlyList<string> names, string where)
    {
        if (names.Count == 0) throw new LlaException($"{where}: 'measures' names no measure");
        foreach (string n in names)
            if (!Known.Contains(n)) throw new LlaException($"{where}: unknown measure '{n}' in 'measures' (known: {string.Join(", ", Known)})");
        var twice = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new LlaException($"{where}: measure '{twice.Key}' is listed twice in 'measures'");
    }
}
