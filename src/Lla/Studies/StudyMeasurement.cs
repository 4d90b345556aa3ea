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
    };

    public static StudyMeasurement FromJson(JsonObject o)
    {
        static double D(JsonNode? n) => n is null ? double.NaN : n.GetValue<double>();
        static double? N(JsonNode? n) => n?.GetValue<double>();
        var criteria = o["criteria"]!.AsArray().Select(batch => (IReadOnlyList<RunCriteria>)batch!.AsArray().Select(r => new RunCriteria(
            D(r!["lambda_min"]), D(r["lambda_max"]), N(r["re"]), N(r["kh"]), D(r["ct"]), r["note"]?.GetValue<string>())).ToList()).ToList();
        return new StudyMeasurement(o["model"]!.GetValue<string>(), o["dataset"]!.GetValue<string>(), D(o["accuracy"]), D(o["loss"]),
            criteria, o["ct_threshold"]!.GetValue<double>(), o["hvps"]!.GetValue<long>(), D(o["seconds"]));
    }

    /// <summary>JSON has no NaN or infinity: such values are written as null (read back as NaN).</summary>
    private static JsonNode? Number(double? value) => value is double v && double.IsFinite(v) ? JsonValue.Create(v) : null;
}
