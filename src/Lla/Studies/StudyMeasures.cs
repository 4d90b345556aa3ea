using Lla.Measures;

namespace Lla.Studies;

/// <summary>
/// The measures a study can compute per model and dataset (its config's <c>measures</c>), with what
/// each means for scoring: family, direction (+1: a larger value predicts a larger gap / a lower
/// accuracy), whether it needs the labels and whether it reads the data at all. re, kh, ct,
/// lambda_max and trace come from the study's own SLQ runs (lambda_max: the largest Ritz value of a
/// run; trace: d·Σ wᵢθᵢ of a run's quadrature); re_predicted and kh_predicted from a second SLQ with
/// the model's argmax labels; the cheap families of <c>lla measure</c> (baseline, margin, norms,
/// spectra, confidence) on each analysed batch.
/// </summary>
public static class StudyMeasures
{
    /// <summary>The measures a study computes when its config names none.</summary>
    public static readonly IReadOnlyList<string> Default = new[] { "re", "kh", "ct", "lambda_max", "trace" }
        .Concat(new[] { MeasureFamily.Baseline, MeasureFamily.Margin, MeasureFamily.Norms, MeasureFamily.Spectra, MeasureFamily.Confidence }
            .SelectMany(f => MeasureMeanings.Family(f).Select(m => m.Name)))
        .Concat(new[] { "re_predicted", "kh_predicted" }).ToArray();

    /// <summary>Every measure a study offers: the default ones and the sharpness family (about a second per 256 samples on a LeNet, so asked for by name); hessian_frobenius and flatness are `lla measure`'s only.</summary>
    public static readonly IReadOnlyList<string> Known = Default.Concat(MeasureMeanings.Family(MeasureFamily.Sharpness).Select(m => m.Name)).ToArray();

    /// <summary>Measures that read only the weights: the same on every dataset, so "n/a" across datasets.</summary>
    public static readonly IReadOnlySet<string> DataFree = new HashSet<string>
    {
        "log_spec_prod", "log_frob_prod", "param_norm", "dist_init", "path_norm", "ww_alpha", "ww_alpha_weighted", "ww_log_spectral_norm", "ww_stable_rank",
    };

    /// <summary>Measures computed without the data's labels.</summary>
    public static readonly IReadOnlySet<string> LabelFree = new HashSet<string>
    {
        "re_predicted", "kh_predicted", "confidence_mean", "entropy_mean", "atc_accuracy", "doc_accuracy",
    };

    /// <summary>The measures of the study's own SLQ (stored in <see cref="StudyMeasurement.Criteria"/> or beside it).</summary>
    public static readonly IReadOnlySet<string> FromSpectrum = new HashSet<string> { "re", "kh", "ct", "lambda_max", "trace" };

    public static bool NeedsLabels(string name) => !LabelFree.Contains(name) && !DataFree.Contains(name);

    public static (MeasureFamily Family, int Direction) Meaning(string name)
    {
        foreach (var family in Enum.GetValues<MeasureFamily>())
            foreach (var (n, direction) in MeasureMeanings.Family(family))
                if (n == name) return (family, direction);
        throw new LlaException($"unknown measure '{name}'");
    }

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
