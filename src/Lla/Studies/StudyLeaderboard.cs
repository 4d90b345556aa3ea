using System.Globalization;
using Lla.Measures;
using Lla.Studies.Scoring;

namespace Lla.Studies;

/// <summary>A measure across datasets in one group of models: Spearman ρ and Kendall τ_b of direction·Δmeasure against the accuracy drop −Δaccuracy.</summary>
public sealed record AcrossDatasetScore(string Group, CorrelationEstimate Spearman, CorrelationEstimate Kendall);

/// <summary>
/// One line of the study's leaderboard: what a measure is, what it cost, and how it scored across
/// datasets (null: data-free, "n/a") and across models (null: the study has no hyperparameter axes,
/// "not testable").
/// </summary>
public sealed record LeaderboardEntry(
    string Measure, MeasureFamily Family, int Direction, bool NeedsLabels, bool DataFree, double? SecondsPerModel,
    AcrossDatasetScore? MpModels, AcrossDatasetScore? AllModels, MeasureScore? AcrossModels);

/// <summary>
/// The study's answer to "which measure predicts generalization?" (METHOD.md "Scoring a measure").
/// <list type="bullet">
/// <item>Across datasets (the papers' claim): per model, the pairs (−Δaccuracy, direction·Δmeasure)
/// over the test split and every shift, Δ relative to the training split; Spearman ρ and Kendall τ_b
/// over the pairs of a group of models, 95% intervals from a bootstrap that resamples models
/// (<see cref="ClusterBootstrap"/>), for the MP models and for all trained models. A good measure
/// scores positive. Data-free measures do not change with the data: "n/a".</item>
/// <item>Across models (Jiang et al. 2020, Dziugaite et al. 2020): the trained models as a zoo over
/// the config's axes, each measure on the training split oriented by its direction, the gap = train
/// accuracy on the labels trained with − test accuracy; scored by <see cref="ScoreRun.Score"/> (the
/// same code as `lla study score`), n = the test split's size.</item>
/// </list>
/// Sorted by <see cref="SortOrder"/>.
/// </summary>
public sealed record StudyLeaderboard(IReadOnlyList<LeaderboardEntry> Entries, string? AcrossModelsNote, IReadOnlyList<ZooModel> Zoo, int TestSize, string Verdict,
    IReadOnlyList<ShiftAgreement> Shifts)
{
    public const string SortOrder = "across-dataset Spearman ρ over all trained models (descending); data-free measures (n/a) after, by across-model τ (descending)";

    public static StudyLeaderboard Score(StudyConfig config, StudyOutcome outcome, int testSize)
    {
        var trained = outcome.Types.Where(t => !t.Reference).Select(t => t.Model).ToList();
        var mp = outcome.Types.Where(t => !t.Reference && t.HesdType == "MP").Select(t => t.Model).ToList();
        var zoo = ZooOf(config, outcome);
        var axes = config.AxesOrNone;
        string? note = axes.Count == 0 ? "not testable: the config declares no hyperparameter axes ('axes')"
            : zoo.Count < 2 ? "not testable: fewer than two trained models" : null;
        var acrossModels = note is null
            ? ScoreRun.Score(new ScoreTable(zoo, config.Measured, testSize), axes, config.Analysis.BootstrapResamples, config.Analysis.Seed).ToDictionary(s => s.Name)
            : new Dictionary<string, MeasureScore>();

        var entries = new List<LeaderboardEntry>();
        foreach (string m in config.Measured)
        {
            var (family, direction) = StudyMeasures.Meaning(m);
            bool dataFree = StudyMeasures.DataFree.Contains(m);
            var seconds = outcome.Rows.GroupBy(r => r.Model)
                .Select(g => g.Select(r => r.Measurement.MeasureSeconds.TryGetValue(m, out double s) ? s : double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average())
                .Where(double.IsFinite).ToList();
            entries.Add(new LeaderboardEntry(m, family, direction, StudyMeasures.NeedsLabels(m), dataFree, seconds.Count > 0 ? seconds.Average() : null,
                dataFree ? null : AcrossDatasets(outcome, m, direction, StudyOutcome.MpGroup, mp, config.Analysis),
                dataFree ? null : AcrossDatasets(outcome, m, direction, StudyOutcome.AllGroup, trained, config.Analysis),
                acrossModels.GetValueOrDefault(m)));
        }
        var sorted = entries.OrderBy(e => e.AllModels is { } a && double.IsFinite(a.Spearman.Value) ? 0 : 1)
            .ThenByDescending(e => e.AllModels is { } a && double.IsFinite(a.Spearman.Value) ? a.Spearman.Value : double.NegativeInfinity)
            .ThenByDescending(e => e.AcrossModels is { } s && double.IsFinite(s.Tau.Value) ? s.Tau.Value : double.NegativeInfinity).ToList();
        // The MN models (trained, Ct below the threshold on their training split) only enter the paragraph.
        var mn = outcome.Types.Where(t => !t.Reference && t.HesdType == "MN").Select(t => t.Model).ToList();
        var mnScores = new Dictionary<string, CorrelationEstimate>();
        CorrelationEstimate? Mn(LeaderboardEntry e) => e.DataFree || mn.Count == 0 ? null
            : mnScores.TryGetValue(e.Measure, out var x) ? x : mnScores[e.Measure] = AcrossDatasets(outcome, e.Measure, e.Direction, "MN models", mn, config.Analysis).Spearman;
        var shifts = ShiftAgreement.Table(config, outcome, trained, new[] { "re", "kh", "batch_accuracy" }.Concat(BestLabelFree(sorted) is { } best ? new[] { best } : Array.Empty<string>()));
        var groupsOf = new Dictionary<string, IReadOnlyList<string>> { ["MP models"] = mp, ["MN models"] = mn, ["all trained models"] = trained };
        CorrelationEstimate Paired(string label, LeaderboardEntry a, LeaderboardEntry b) =>
            PairedComparison.Difference(PairedPoints(outcome, a, b, groupsOf[label]), config.Analysis.BootstrapResamples,
                ScoreRun.MeasureSeed(config.Analysis.Seed, $"{a.Measure}|{b.Measure}|{label}"));
        return new StudyLeaderboard(sorted, note, zoo, testSize, Answer(sorted, mp.Count, Mn, Paired) + ShiftAgreement.Sentence(shifts), shifts);
    }

    /// <summary>The trained models as a zoo: axis values as text, train accuracy on the labels trained with, each measure on the training split oriented (direction × value).</summary>
    public static IReadOnlyList<ZooModel> ZooOf(StudyConfig config, StudyOutcome outcome)
    {
        var zoo = new List<ZooModel>();
        foreach (var spec in config.Models.Where(m => !m.IsReference))
        {
            var train = outcome.Rows.Single(r => r.Model == spec.Name && r.Dataset == StudyOutcome.TrainDataset).Measurement;
            var test = outcome.Rows.Single(r => r.Model == spec.Name && r.Dataset == StudyOutcome.TestDataset).Measurement;
            var measures = config.Measured.ToDictionary(m => m, m => train.Spread(m).Mean is double v ? StudyMeasures.Meaning(m).Direction * v : double.NaN);
            zoo.Add(new ZooModel(spec.Name, config.AxesOrNone.ToDictionary(a => a, spec.AxisValue), train.TrainedLabelAccuracy ?? train.Accuracy, test.Accuracy, measures));
        }
        return zoo;
    }

    /// <summary>(−Δaccuracy, direction·Δmeasure) of each model's non-training datasets, grouped by model.</summary>
    public static List<IReadOnlyList<(double X, double Y)>> Points(StudyOutcome outcome, string measure, int direction, IEnumerable<string> models) =>
        models.OrderBy(m => m, StringComparer.Ordinal)
            .Select(model => (IReadOnlyList<(double X, double Y)>)Changes(outcome, model, measure, direction).Select(c => (c.Drop, c.Change)).ToList())
            .Where(g => g.Count > 0).ToList();

    /// <summary>A model's (dataset, accuracy drop −Δaccuracy, direction·Δmeasure) on each non-training dataset where both are finite; Δ relative to the training split.</summary>
    public static IEnumerable<(string Dataset, double Drop, double Change)> Changes(StudyOutcome outcome, string model, string measure, int direction)
    {
        var rows = outcome.Rows.Where(r => r.Model == model).ToList();
        double? baseline = rows.Single(r => r.Dataset == StudyOutcome.TrainDataset).Measurement.Spread(measure).Mean;
        foreach (var r in rows.Where(r => r.Dataset != StudyOutcome.TrainDataset))
            if (-r.DeltaAccuracy is double drop && double.IsFinite(drop) && r.Measurement.Spread(measure).Mean - baseline is double change && double.IsFinite(change))
                yield return (r.Dataset, drop, direction * change);
    }

    /// <summary>Per model, (accuracy drop, direction·Δ of <paramref name="a"/>, direction·Δ of <paramref name="b"/>) on the datasets where both are finite.</summary>
    private static List<IReadOnlyList<(double Drop, double A, double B)>> PairedPoints(StudyOutcome outcome, LeaderboardEntry a, LeaderboardEntry b, IEnumerable<string> models) =>
        models.OrderBy(m => m, StringComparer.Ordinal).Select(model => (IReadOnlyList<(double, double, double)>)Changes(outcome, model, a.Measure, a.Direction)
            .Join(Changes(outcome, model, b.Measure, b.Direction), x => x.Dataset, y => y.Dataset, (x, y) => (x.Drop, x.Change, y.Change)).ToList())
            .Where(g => g.Count > 0).ToList();

    private static AcrossDatasetScore AcrossDatasets(StudyOutcome outcome, string measure, int direction, string group, IEnumerable<string> models, StudyAnalysis a)
    {
        var groups = Points(outcome, measure, direction, models);
        long seed = ScoreRun.MeasureSeed(a.Seed, measure + "|" + group);
        return new AcrossDatasetScore(group,
            ClusterBootstrap.Estimate(groups, Correlation.Spearman, a.BootstrapResamples, seed),
            ClusterBootstrap.Estimate(groups, KendallTau.B, a.BootstrapResamples, seed + 1));
    }

    /// <summary>One paragraph: do re and Kh beat the cost-matched batch accuracy and the best label-free measure, for MP models and for all, across datasets and across models?</summary>
    private static string Answer(IReadOnlyList<LeaderboardEntry> entries, int mpModels, Func<LeaderboardEntry, CorrelationEstimate?> mn,
        Func<string, LeaderboardEntry, LeaderboardEntry, CorrelationEstimate> paired)
    {
        var byName = entries.ToDictionary(e => e.Measure);
        var parts = new List<string>();
        var criteria = new[] { "re", "kh" }.Where(byName.ContainsKey).ToList();
        if (criteria.Count == 0) return "The study did not measure re or Kh.";
        foreach (var (label, pick) in new (string, Func<LeaderboardEntry, CorrelationEstimate?>)[]
                 { ("MP models", e => e.MpModels?.Spearman), ("MN models", mn), ("all trained models", e => e.AllModels?.Spearman) })
        {
            if (label == "MN models" && !entries.Any(e => mn(e) is { Groups: > 0 })) continue;
            var labelFree = entries.Where(e => !e.NeedsLabels && !e.DataFree && pick(e) is { } x && double.IsFinite(x.Value)).OrderByDescending(e => pick(e)!.Value).FirstOrDefault();
            var rivals = new List<(string Name, LeaderboardEntry Entry, CorrelationEstimate Score)>();
            if (byName.TryGetValue("batch_accuracy", out var ba) && pick(ba) is { } b && double.IsFinite(b.Value)) rivals.Add(("batch_accuracy", ba, b));
            if (labelFree is not null) rivals.Add(($"the best label-free measure, {labelFree.Measure}", labelFree, pick(labelFree)!));
            foreach (string c in criteria)
            {
                var own = pick(byName[c]);
                if (own is null || !double.IsFinite(own.Value)) { parts.Add($"Across datasets ({label}): {Label(c)} could not be scored."); continue; }
                if (own.Groups < 2) { parts.Add($"Across datasets ({label}): {Label(c)} has ρ = {F(own.Value)} from {own.Groups} model, too few to compare (no interval)."); continue; }
                if (rivals.Count == 0) { parts.Add($"Across datasets ({label}): {Label(c)} has ρ = {F(own.Value)}; no baseline was scored to compare with."); continue; }
                parts.Add($"Across datasets ({label}, {own.Groups} models): {Label(c)} (ρ = {F(own.Value)} [{F(own.Low)}, {F(own.High)}]) "
                    + string.Join(" and ", rivals.Select(r =>
                    {
                        var d = paired(label, byName[c], r.Entry);
                        return $"{PairedComparison.Verdict(d)} {r.Name} (ρ = {F(r.Score.Value)} [{F(r.Score.Low)}, {F(r.Score.High)}]; difference {F(d.Value)} [{F(d.Low)}, {F(d.High)}])";
                    })) + ".");
            }
        }
        if (mpModels == 0) parts.Add("No trained model was MP on its training split, so the MP rows are empty.");
        var across = entries.Where(e => e.AcrossModels is not null).ToList();
        if (across.Count == 0) parts.Add("Across models: not testable (no hyperparameter axes).");
        else
        {
            var bestLabelFree = across.Where(e => !e.NeedsLabels && double.IsFinite(e.AcrossModels!.Tau.Value)).OrderByDescending(e => e.AcrossModels!.Tau.Value).FirstOrDefault();
            foreach (string c in criteria.Where(c => byName[c].AcrossModels is not null))
            {
                var s = byName[c].AcrossModels!;
                string versus = string.Join(", ", new[] { byName.GetValueOrDefault("batch_accuracy"), bestLabelFree }.Where(e => e?.AcrossModels is not null)
                    .Select(e => $"{e!.Measure} τ = {F(e.AcrossModels!.Tau.Value)}"));
                // METHOD.md: with one model per cell an environment holds one pair, so max and p90 are 0 or 1: lead with the mean.
                string signError = s.EnvironmentsKept == 0 ? $"no environment kept a pair whose gaps differ by more than the test set can resolve (of {s.Environments})"
                    : $"mean sign-error {F(s.SignErrorMean.Value)} [{F(s.SignErrorMean.Low)}, {F(s.SignErrorMean.High)}] over the {s.EnvironmentsKept} of {s.Environments} environments that kept a pair";
                string cmi = s.Cmi.Value is double v ? $"CMI = {F(v)}" : "CMI n/a";
                parts.Add($"Across models: {Label(c)} τ = {F(s.Tau.Value)} [{F(s.Tau.Low)}, {F(s.Tau.High)}], Ψ = {F(s.Psi.Value)}, {cmi}, {signError}"
                    + (versus.Length > 0 ? $" (against {versus})." : "."));
            }
        }
        return string.Join(" ", parts);
    }

    /// <summary>The label-free measure (that changes with the data) with the highest across-dataset ρ over all trained models.</summary>
    public static string? BestLabelFree(IReadOnlyList<LeaderboardEntry> entries) =>
        entries.Where(e => !e.NeedsLabels && !e.DataFree && e.AllModels is { } a && double.IsFinite(a.Spearman.Value))
            .OrderByDescending(e => e.AllModels!.Spearman.Value).FirstOrDefault()?.Measure;

    private static string Label(string measure) => measure == "kh" ? "Kh" : measure;

    public static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
