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
    public required StudyMeta Meta { get; init; }
    public required IReadOnlyList<string> Findings { get; init; }
    public required IReadOnlyList<StudyTypeRecord> HesdTypes { get; init; }
    public required IReadOnlyList<StudyCorrelationRecord> Correlations { get; init; }
    public required IReadOnlyList<StudyWithinModelRecord> WithinModel { get; init; }
    public required IReadOnlyList<StudyRowRecord> Rows { get; init; }
    /// <summary>Which measure predicts generalization: every measure scored across datasets and across models (null in folders written before it existed).</summary>
    public LeaderboardResults? Leaderboard { get; init; }

    public static StudyResults From(StudyConfig config, StudyOutcome outcome, StudyMeta meta, StudyLeaderboard? leaderboard = null) => new()
    {
        Leaderboard = leaderboard is null ? null : LeaderboardResults.From(config, leaderboard),
        Study = config.Name,
        Config = config.ToJson(),
        Meta = meta,
        Findings = meta.Convergence is { } convergence ? outcome.Findings.Append(convergence.Line(config)).ToArray() : outcome.Findings,
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
        var train = outcome.Rows.First(t => t.Model == r.Model && t.Dataset == StudyOutcome.TrainDataset).Measurement;
        var measures = m.Measures.Keys.Concat(new[] { "re", "kh", "ct", "lambda_max" }).Order(StringComparer.Ordinal).ToDictionary(n => n, n =>
        {
            var spread = m.Spread(n);
            return new MeasureCellRecord(spread.Mean, spread.StdOverRuns, spread.StdOverBatches, r.Dataset == StudyOutcome.TrainDataset ? null : spread.Mean - train.Spread(n).Mean);
        });
        return new StudyRowRecord(m.Model, m.Dataset, r.Reference, m.HesdType, m.Accuracy, m.Loss, Spread(m.Re), Spread(m.Kh), Spread(m.Ct),
            r.DeltaAccuracy, r.DeltaRe, r.DeltaKh, m.Hvps, m.Seconds, measures, m.TrainedLabelAccuracy);
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
    SpreadRecord Re, SpreadRecord Kh, SpreadRecord Ct, double? DeltaAccuracy, double? DeltaRe, double? DeltaKh, long Hvps, double Seconds,
    IReadOnlyDictionary<string, MeasureCellRecord>? Measures = null, double? TrainedLabelAccuracy = null);

/// <summary>A measure on one model and dataset: mean, spreads over SLQ runs and over batches, change relative to the training split.</summary>
public sealed record MeasureCellRecord(double? Mean, double? StdOverRuns, double? StdOverBatches, double? Delta);

/// <summary>study.json's leaderboard: how it is sorted, what across models means here, the verdict, and one entry per measure.</summary>
public sealed record LeaderboardResults(string SortedBy, string AcrossDatasets, string AcrossModels, IReadOnlyList<string> Axes, int TestSize,
    string ModelsTable, string ScoreCommand, string Verdict, IReadOnlyList<LeaderboardRecord> Entries, IReadOnlyList<ShiftRecord> Shifts)
{
    public const string ModelsFile = "models.csv";

    public static LeaderboardResults From(StudyConfig config, StudyLeaderboard board) => new(
        StudyLeaderboard.SortOrder,
        "per measure, Spearman ρ and Kendall τ_b of direction·Δmeasure against the accuracy drop −Δaccuracy (Δ relative to the training split) over the test split and every shift; 95% intervals from a bootstrap resampling models; positive = the measure rises as accuracy falls; data-free measures n/a",
        board.AcrossModelsNote ?? "per measure on the training split, Kendall τ_b with the gap (train accuracy on the labels trained with − test accuracy), granulated Ψ over the axes, the PGDL competition's CMI over pairs of axes, worst-case coupled-pair sign-error (the code of `lla study score`)",
        config.AxesOrNone, board.TestSize, ModelsFile, Lla.Studies.ModelsTable.ScoreCommand(config, board.TestSize), board.Verdict,
        board.Entries.Select(e => new LeaderboardRecord(e.Measure, e.Family.Name, e.Direction, e.NeedsLabels, e.DataFree, e.SecondsPerModel,
            e.MpModels is { } mp ? AcrossDatasetRecord.From(mp) : null, e.AllModels is { } all ? AcrossDatasetRecord.From(all) : null,
            e.AcrossModels is { } s ? Scoring.ScoreRecord.From(s) : null)).ToArray(),
        board.Shifts.Select(ShiftRecord.From).ToArray());
}

/// <summary>One shift of the leaderboard's per-shift table (<see cref="ShiftAgreement"/>).</summary>
public sealed record ShiftRecord(string Shift, double? MeanAccuracyDrop, int Models, IReadOnlyList<ShiftMeasureRecord> Measures)
{
    public static ShiftRecord From(ShiftAgreement s) => new(s.Shift, double.IsFinite(s.MeanAccuracyDrop) ? s.MeanAccuracyDrop : null, s.Models,
        s.Measures.Select(m => new ShiftMeasureRecord(m.Measure, m.Right, m.Scored,
            new EstimateRecord(m.Spearman.Value, m.Spearman.Low, m.Spearman.High, m.Spearman.Points, m.Spearman.Groups, m.Spearman.ValidResamples, m.Spearman.Resamples))).ToArray());
}

/// <summary>A measure on one shift: models where it moved the way the accuracy did, of those scored, and ρ across models on that shift.</summary>
public sealed record ShiftMeasureRecord(string Measure,
    [property: System.Text.Json.Serialization.JsonPropertyName("moved_with_accuracy")] int Right, int Scored,
    [property: System.Text.Json.Serialization.JsonPropertyName("spearman_across_models")] EstimateRecord Spearman);

public sealed record LeaderboardRecord(string Measure, string Family, int Direction, bool NeedsLabels, bool DataFree,
    [property: System.Text.Json.Serialization.JsonPropertyName("seconds_per_model_and_dataset")] double? SecondsPerModel,
    AcrossDatasetRecord? MpModels, AcrossDatasetRecord? AllModels, Scoring.ScoreRecord? AcrossModels);

public sealed record AcrossDatasetRecord(string Group, EstimateRecord Spearman, EstimateRecord Kendall)
{
    public static AcrossDatasetRecord From(AcrossDatasetScore s) => new(s.Group, Estimate(s.Spearman), Estimate(s.Kendall));

    private static EstimateRecord Estimate(CorrelationEstimate e) => new(e.Value, e.Low, e.High, e.Points, e.Groups, e.ValidResamples, e.Resamples);
}
