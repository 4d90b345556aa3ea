using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lla.Curvature;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>A criterion over B batches × R SLQ runs: the mean of all values, the spread over runs (root mean within-batch variance) and over batches (standard deviation of the batch means).</summary>
public sealed record CriterionSpread(double? Mean, double? StdOverRuns, double? StdOverBatches)
{
    public static CriterionSpread Of(IReadOnlyList<IReadOnlyList<double?>> values)
    {
        if (values.Count == 0 || values.Any(b => b.Count == 0 || b.Any(v => v is null || !double.IsFinite(v.Value))))
            return new CriterionSpread(null, null, null);
        var x = values.Select(b => b.Select(v => v!.Value).ToArray()).ToArray();
        double mean = x.SelectMany(b => b).Average();
        double? overRuns = x[0].Length > 1 ? Math.Sqrt(x.Average(b => Variance(b))) : null;
        double? overBatches = x.Length > 1 ? Math.Sqrt(Variance(x.Select(b => b.Average()).ToArray())) : null;
        return new CriterionSpread(mean, overRuns, overBatches);
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Sum(a => (a - m) * (a - m)) / (v.Length - 1);
    }
}

/// <summary>
/// What a study measured for one model on one dataset: accuracy and loss over the whole dataset
/// (evaluation mode), and the criteria of every SLQ run on every analysed batch ([batch][run]).
/// </summary>
public sealed record StudyMeasurement(
    string Model, string Dataset, double Accuracy, double Loss,
    IReadOnlyList<IReadOnlyList<RunCriteria>> Criteria, double CtThreshold, long Hvps, double Seconds)
{
    [JsonIgnore] public CriterionSpread Re => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Re).ToList()).ToList());
    [JsonIgnore] public CriterionSpread Kh => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Kh).ToList()).ToList());
    [JsonIgnore] public CriterionSpread Ct => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => (double?)r.Ct).ToList()).ToList());

    /// <summary>The study's other measures (<see cref="StudyMeasures"/>): name → values [batch][run] (one run for deterministic ones).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<double?>>> Measures { get; init; } = new Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>>();
    /// <summary>Seconds spent on each measure (shared work counted in each measure that needed it).</summary>
    public IReadOnlyDictionary<string, double> MeasureSeconds { get; init; } = new Dictionary<string, double>();
    /// <summary>Why a measure asked has no value here (it does not apply to the model, e.g. the margin of a language model's outputs); empty when all apply (and then not written).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? MeasureReasons { get; init; }
    /// <summary>On the training split of a model trained with label noise: the accuracy on the labels it was trained with (null otherwise).</summary>
    public double? TrainedLabelAccuracy { get; init; }

    /// <summary>A measure's values [batch][run]: re, kh, ct and lambda_max from <see cref="Criteria"/>, the others from <see cref="Measures"/>; null when not measured.</summary>
    public IReadOnlyList<IReadOnlyList<double?>>? Values(string name) => name switch
    {
        "re" => Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Re).ToList()).ToList(),
        "kh" => Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Kh).ToList()).ToList(),
        "ct" => Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => (double?)r.Ct).ToList()).ToList(),
        "lambda_max" => Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => (double?)r.LambdaMax).ToList()).ToList(),
        _ => Measures.TryGetValue(name, out var v) ? v : null,
    };

    /// <summary>A measure's mean and spread (all null when not measured or not finite somewhere).</summary>
    public CriterionSpread Spread(string name) => Values(name) is { } v ? CriterionSpread.Of(v) : new CriterionSpread(null, null, null);

    /// <summary>MP when the mean Ct is at least the threshold, MN below it, undefined when some run has λmax ≤ 0 (<see cref="HesdTypes.Of"/>).</summary>
    [JsonIgnore] public string HesdType => HesdTypes.Of(Criteria.SelectMany(b => b).Any(r => r.LambdaMax <= 0), Ct.Mean, CtThreshold).Code();

    [JsonIgnore] public string Key => KeyOf(Model, Dataset);
    public static string KeyOf(string model, string dataset) => $"{model}|{dataset}";

    /// <summary>The measurement as one line of measurements.jsonl, by the one serializer (non-finite numbers as null, measures by name).</summary>
    public string ToJsonLine() => ResultsSerializer.ToJsonLine(this with
    {
        Measures = new SortedDictionary<string, IReadOnlyList<IReadOnlyList<double?>>>(Measures.ToDictionary(), StringComparer.Ordinal),
        MeasureSeconds = new SortedDictionary<string, double>(MeasureSeconds.ToDictionary(), StringComparer.Ordinal),
        MeasureReasons = MeasureReasons is { Count: > 0 } reasons ? new SortedDictionary<string, string>(reasons.ToDictionary(), StringComparer.Ordinal) : null,
    });

    /// <summary>A measurement written by <see cref="ToJsonLine"/> (or by the hand-written code of schemas 1 and 2: the same keys).</summary>
    public static StudyMeasurement FromJsonLine(string line) => ResultsSerializer.FromNode<StudyMeasurement>(JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("an empty line"));
}
