using System.Text.Json.Nodes;
using Lla.Curvature;

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
    public CriterionSpread Re => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Re).ToList()).ToList());
    public CriterionSpread Kh => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => r.Kh).ToList()).ToList());
    public CriterionSpread Ct => CriterionSpread.Of(Criteria.Select(b => (IReadOnlyList<double?>)b.Select(r => (double?)r.Ct).ToList()).ToList());

    /// <summary>The study's other measures (<see cref="StudyMeasures"/>): name → values [batch][run] (one run for deterministic ones).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<double?>>> Measures { get; init; } = new Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>>();
    /// <summary>Seconds spent on each measure (shared work counted in each measure that needed it).</summary>
    public IReadOnlyDictionary<string, double> MeasureSeconds { get; init; } = new Dictionary<string, double>();
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

    /// <summary>MP when the mean Ct is at least the threshold, MN below it, undefined when some run has λmax ≤ 0.</summary>
    public string HesdType =>
        Criteria.SelectMany(b => b).Any(r => r.LambdaMax <= 0) || Ct.Mean is null ? "undefined"
        : Ct.Mean >= CtThreshold ? "MP" : "MN";

    public string Key => KeyOf(Model, Dataset);
    public static string KeyOf(string model, string dataset) => $"{model}|{dataset}";

    public JsonObject ToJson() => new()
    {
        ["model"] = Model,
        ["dataset"] = Dataset,
        ["accuracy"] = Number(Accuracy),
        ["loss"] = Number(Loss),
        ["ct_threshold"] = CtThreshold,
        ["hvps"] = Hvps,
        ["seconds"] = Number(Seconds),
        ["criteria"] = new JsonArray(Criteria.Select(batch => (JsonNode)new JsonArray(batch.Select(r => (JsonNode)new JsonObject
        {
            ["lambda_min"] = Number(r.LambdaMin), ["lambda_max"] = Number(r.LambdaMax),
            ["re"] = Number(r.Re), ["kh"] = Number(r.Kh), ["ct"] = Number(r.Ct), ["note"] = r.Note,
        }).ToArray())).ToArray()),
        ["measures"] = new JsonObject(Measures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key,
            new JsonArray(kv.Value.Select(b => (JsonNode)new JsonArray(b.Select(Number).ToArray())).ToArray())))),
        ["measure_seconds"] = new JsonObject(MeasureSeconds.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, Number(kv.Value)))),
        ["trained_label_accuracy"] = Number(TrainedLabelAccuracy),
    };

    public static StudyMeasurement FromJson(JsonObject o)
    {
        static double D(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
        static double? N(JsonNode? n) => n?.GetValue<double>();
        var criteria = o["criteria"]!.AsArray().Select(batch => (IReadOnlyList<RunCriteria>)batch!.AsArray().Select(r => new RunCriteria(
            D(r!["lambda_min"]), D(r["lambda_max"]), N(r["re"]), N(r["kh"]), D(r["ct"]), r["note"]?.GetValue<string>())).ToList()).ToList();
        return new StudyMeasurement(o["model"]!.GetValue<string>(), o["dataset"]!.GetValue<string>(), D(o["accuracy"]), D(o["loss"]),
            criteria, o["ct_threshold"]!.GetValue<double>(), o["hvps"]!.GetValue<long>(), D(o["seconds"]))
        {
            Measures = (o["measures"] as JsonObject ?? new JsonObject()).ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<IReadOnlyList<double?>>)kv.Value!.AsArray().Select(b => (IReadOnlyList<double?>)b!.AsArray().Select(N).ToList()).ToList()),
            MeasureSeconds = (o["measure_seconds"] as JsonObject ?? new JsonObject()).ToDictionary(kv => kv.Key, kv => D(kv.Value)),
            TrainedLabelAccuracy = N(o["trained_label_accuracy"]),
        };
    }

    /// <summary>JSON has no NaN or infinity: such values are written as null (read back as NaN).</summary>
    private static JsonNode? Number(double? value) => value is double v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
