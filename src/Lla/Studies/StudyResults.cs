using System.Text.Json.Nodes;
using Lla.Runs;

namespace Lla.Studies;

/// <summary>
/// study.json: the config, the run record (meta), findings, HESD types, correlations with their
/// intervals, within-model correlations and every row. Written by <see cref="ResultsSerializer"/>.
/// </summary>
public sealed record StudyResults
{
    public const string FileName = "study.json";
    public const string Claim = "across datasets, the change of a criterion (re, Kh) relative to the training split correlates negatively with the change of accuracy (criteria grow as accuracy falls); tested on the models whose HESD is MP on their training split, with 95% percentile intervals from a bootstrap that resamples models";

    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    public required string Study { get; init; }
    [System.Text.Json.Serialization.JsonPropertyName("claim")] public string ClaimTested { get; init; } = Claim;
    public required JsonObject Config { get; init; }
    public required JsonObject Meta { get; init; }
    public required IReadOnlyList<string> Findings { get; init; }
    public required IReadOnlyList<StudyTypeRecord> HesdTypes { get; init; }
    public required IReadOnlyList<StudyCorrelationRecord> Correlations { get; init; }
    public required IReadOnlyList<StudyWithinModelRecord> WithinModel { get; init; }
    public required IReadOnlyList<StudyRowRecord> Rows { get; init; }

    public static StudyResults From(StudyConfig config, StudyOutcome outcome, JsonObject meta) => new()
    {
        Study = config.Name,
        Config = config.ToJson(),
        Meta = meta,
        Findings = outcome.Findings,
        HesdTypes = outcome.Types.Select(t => new StudyTypeRecord(t.Model, t.Recipe, t.Reference, t.Manipulated, t.HesdType, t.Ct, t.CtStd, t.TrainAccuracy, t.TestAccuracy)).ToArray(),
        Correlations = outcome.Correlations.Select(c => new StudyCorrelationRecord(c.Criterion, c.Group, c.Verdict, Estimate(c.Spearman), Estimate(c.Pearson))).ToArray(),
        WithinModel = outcome.WithinModel.Select(w => new StudyWithinModelRecord(w.Model, w.Criterion, w.Spearman, w.Pearson, w.Points)).ToArray(),
        Rows = Table(outcome),
    };

    /// <summary>table.json: one row per model × dataset.</summary>
    public static IReadOnlyList<StudyRowRecord> Table(StudyOutcome outcome) => outcome.Rows.Select(r =>
    {
        var m = r.Measurement;
        static SpreadRecord Spread(CriterionSpread s) => new(s.Mean, s.StdOverRuns, s.StdOverBatches);
        return new StudyRowRecord(m.Model, m.Dataset, r.Reference, m.HesdType, m.Accuracy, m.Loss, Spread(m.Re), Spread(m.Kh), Spread(m.Ct),
            r.DeltaAccuracy, r.DeltaRe, r.DeltaKh, m.Hvps, m.Seconds);
    }).ToArray();

    private static EstimateRecord Estimate(CorrelationEstimate e) => new(e.Value, e.Low, e.High, e.Points, e.Groups, e.ValidResamples, e.Resamples);
}

public sealed record StudyTypeRecord(string Model, string Recipe, bool Reference,
    [property: System.Text.Json.Serialization.JsonPropertyName("gradient_manipulation")] bool Manipulated,
    string HesdType, double? Ct, [property: System.Text.Json.Serialization.JsonPropertyName("ct_spread")] double? CtStd, double TrainAccuracy, double? TestAccuracy);

public sealed record StudyCorrelationRecord(string Criterion, string Group, string Verdict, EstimateRecord Spearman, EstimateRecord Pearson);

public sealed record EstimateRecord(double Value,
    [property: System.Text.Json.Serialization.JsonPropertyName("ci_low")] double Low,
    [property: System.Text.Json.Serialization.JsonPropertyName("ci_high")] double High,
    [property: System.Text.Json.Serialization.JsonPropertyName("pairs")] int Points,
    [property: System.Text.Json.Serialization.JsonPropertyName("models")] int Groups,
    int ValidResamples, int Resamples);

public sealed record StudyWithinModelRecord(string Model, string Criterion, double Spearman, double Pearson, int Points);

public sealed record SpreadRecord(double? Mean, double? StdOverRuns, double? StdOverBatches);

public sealed record StudyRowRecord(string Model, string Dataset, bool Reference, string HesdType, double Accuracy, double Loss,
    SpreadRecord Re, SpreadRecord Kh, SpreadRecord Ct, double? DeltaAccuracy, double? DeltaRe, double? DeltaKh, long Hvps, double Seconds);
