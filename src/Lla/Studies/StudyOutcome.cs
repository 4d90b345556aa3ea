namespace Lla.Studies;

/// <summary>One model on one dataset, with the changes relative to the same model on its training split.</summary>
public sealed record StudyRow(
    StudyMeasurement Measurement, bool Reference, double? DeltaAccuracy, double? DeltaRe, double? DeltaKh)
{
    public string Model => Measurement.Model;
    public string Dataset => Measurement.Dataset;
}

/// <summary>Δcriterion vs Δaccuracy over the pairs of a group of models.</summary>
public sealed record CriterionCorrelation(string Criterion, string Group, CorrelationEstimate Spearman, CorrelationEstimate Pearson, string Verdict);

/// <summary>Δcriterion vs Δaccuracy across the shifts of one model (no interval: its points are not independent either).</summary>
public sealed record WithinModelCorrelation(string Model, string Criterion, double Spearman, double Pearson, int Points);

/// <summary>A model's HESD type on its training split.</summary>
public sealed record ModelType(string Model, string Recipe, bool Reference, bool Manipulated, string HesdType, double? Ct, double? CtStd, double TrainAccuracy, double? TestAccuracy);

/// <summary>
/// The study's answer. The claim tested is the papers' reading of the criteria: larger re and Kh
/// mean worse generalization, so across datasets Δcriterion should fall as Δaccuracy rises — a
/// negative correlation. It "held" for a criterion when the Spearman interval of the MP models
/// lies below zero, was "contradicted" when it lies above zero, and was "not shown" otherwise.
/// </summary>
public sealed record StudyOutcome(
    IReadOnlyList<StudyRow> Rows, IReadOnlyList<CriterionCorrelation> Correlations,
    IReadOnlyList<WithinModelCorrelation> WithinModel, IReadOnlyList<ModelType> Types, IReadOnlyList<string> Findings)
{
    public const string TrainDataset = "train";
    public const string TestDataset = "test";
    public const string MpGroup = "MP models";
    public const string AllGroup = "all trained models";
    public static readonly string[] CriteriaNames = { "re", "Kh" };

    public static StudyOutcome Analyse(StudyConfig config, IReadOnlyList<StudyMeasurement> measurements)
    {
        var byKey = measurements.ToDictionary(m => m.Key);
        var datasets = new[] { TrainDataset, TestDataset }.Concat(config.Shifts.Select(s => s.Name)).ToList();
        var rows = new List<StudyRow>();
        var types = new List<ModelType>();
        foreach (var model in config.Models)
        {
            if (!byKey.TryGetValue(StudyMeasurement.KeyOf(model.Name, TrainDataset), out var train))
                throw new LlaException($"the study has no measurement of model {model.Name} on the training split");
            byKey.TryGetValue(StudyMeasurement.KeyOf(model.Name, TestDataset), out var test);
            types.Add(new ModelType(model.Name, model.Recipe, model.IsReference, model.Gradient.Kind != "none",
                train.HesdType, train.Ct.Mean, train.Ct.StdOverBatches ?? train.Ct.StdOverRuns, train.Accuracy, test?.Accuracy));
            foreach (var dataset in datasets)
            {
                if (!byKey.TryGetValue(StudyMeasurement.KeyOf(model.Name, dataset), out var m))
                    throw new LlaException($"the study has no measurement of model {model.Name} on {dataset}");
                bool isTrain = dataset == TrainDataset;
                rows.Add(new StudyRow(m, model.IsReference,
                    isTrain ? null : m.Accuracy - train.Accuracy,
                    isTrain ? null : m.Re.Mean - train.Re.Mean,
                    isTrain ? null : m.Kh.Mean - train.Kh.Mean));
            }
        }

        var mpModels = types.Where(t => !t.Reference && t.HesdType == "MP").Select(t => t.Model).ToHashSet();
        var trainedModels = types.Where(t => !t.Reference).Select(t => t.Model).ToHashSet();
        var correlations = new List<CriterionCorrelation>();
        var within = new List<WithinModelCorrelation>();
        foreach (var criterion in CriteriaNames)
        {
            correlations.Add(Correlate(rows, criterion, MpGroup, mpModels, config.Analysis));
            correlations.Add(Correlate(rows, criterion, AllGroup, trainedModels, config.Analysis));
            foreach (var model in trainedModels)
            {
                var points = Points(rows.Where(r => r.Model == model), criterion);
                within.Add(new WithinModelCorrelation(model, criterion,
                    Correlation.Spearman(points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList()),
                    Correlation.Pearson(points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList()), points.Count));
            }
        }
        return new StudyOutcome(rows, correlations, within, types, Summarize(correlations, within, types));
    }

    /// <summary>(Δaccuracy, Δcriterion) of the rows that have both.</summary>
    public static List<(double X, double Y)> Points(IEnumerable<StudyRow> rows, string criterion) =>
        rows.Select(r => (r.DeltaAccuracy, Delta: criterion == "re" ? r.DeltaRe : r.DeltaKh))
            .Where(p => p.DeltaAccuracy is double a && double.IsFinite(a) && p.Delta is double d && double.IsFinite(d))
            .Select(p => (p.DeltaAccuracy!.Value, p.Delta!.Value)).ToList();

    private static CriterionCorrelation Correlate(IReadOnlyList<StudyRow> rows, string criterion, string group, HashSet<string> models, StudyAnalysis analysis)
    {
        var groups = models.OrderBy(m => m, StringComparer.Ordinal)
            .Select(m => (IReadOnlyList<(double X, double Y)>)Points(rows.Where(r => r.Model == m), criterion))
            .Where(g => g.Count > 0).ToList();
        long seed = analysis.Seed * 31 + (criterion == "re" ? 1 : 2) + (group == MpGroup ? 0 : 10);
        var spearman = ClusterBootstrap.Estimate(groups, Correlation.Spearman, analysis.BootstrapResamples, seed);
        var pearson = ClusterBootstrap.Estimate(groups, Correlation.Pearson, analysis.BootstrapResamples, seed + 100);
        string verdict = spearman.Groups < 2 || spearman.Points < 3 || double.IsNaN(spearman.Low)
            ? "not testable"
            : spearman.Negative ? "held" : spearman.Positive ? "contradicted" : "not shown";
        return new CriterionCorrelation(criterion, group, spearman, pearson, verdict);
    }

    private static IReadOnlyList<string> Summarize(IReadOnlyList<CriterionCorrelation> correlations, IReadOnlyList<WithinModelCorrelation> within, IReadOnlyList<ModelType> types)
    {
        var findings = new List<string>();
        foreach (var c in correlations.Where(c => c.Group == MpGroup))
        {
            string numbers = $"Spearman ρ = {F(c.Spearman.Value)} [95% CI {F(c.Spearman.Low)}, {F(c.Spearman.High)}], Pearson r = {F(c.Pearson.Value)} [{F(c.Pearson.Low)}, {F(c.Pearson.High)}], {c.Spearman.Points} pairs from {c.Spearman.Groups} models";
            findings.Add(c.Verdict switch
            {
                "held" => $"The claim held for {c.Criterion}: Δ{c.Criterion} falls as Δaccuracy rises ({numbers}).",
                "contradicted" => $"The claim was contradicted for {c.Criterion}: Δ{c.Criterion} rises with Δaccuracy ({numbers}).",
                "not shown" => $"The claim was not shown for {c.Criterion}: the interval includes zero ({numbers}).",
                _ => $"The claim could not be tested for {c.Criterion}: it needs at least 2 MP models and 3 pairs ({numbers}).",
            });
        }
        int models = correlations.Where(c => c.Group == MpGroup).Select(c => c.Spearman.Groups).DefaultIfEmpty(0).Max();
        if (models is > 0 and < 5)
            findings.Add($"Caution: the intervals come from resampling only {models} MP models, so they are rough (a bootstrap over so few groups has few distinct resamples).");
        foreach (var criterion in CriteriaNames)
        {
            var own = within.Where(w => w.Criterion == criterion && double.IsFinite(w.Spearman)).ToList();
            if (own.Count == 0) continue;
            int negative = own.Count(w => w.Spearman < 0);
            findings.Add($"Within models, Δ{criterion} fell as Δaccuracy rose (Spearman ρ < 0) for {negative} of {own.Count} models; "
                + string.Join(", ", own.Select(w => $"{w.Model} {F(w.Spearman)}")) + ".");
        }
        var manipulated = types.Where(t => t.Manipulated).ToList();
        if (manipulated.Count > 0)
            findings.Add($"Gradient-manipulated runs (expected MN-HESD): {manipulated.Count(t => t.HesdType == "MN")} of {manipulated.Count} were MN; "
                + string.Join(", ", manipulated.Select(t => $"{t.Model} {t.HesdType} (Ct {F(t.Ct)})")) + ".");
        var plain = types.Where(t => !t.Manipulated && !t.Reference).ToList();
        if (plain.Count > 0)
            findings.Add($"Runs without gradient manipulation (expected MP-HESD): {plain.Count(t => t.HesdType == "MP")} of {plain.Count} were MP; "
                + string.Join(", ", plain.Select(t => $"{t.Model} {t.HesdType} (Ct {F(t.Ct)})")) + ".");
        foreach (var t in types.Where(t => t.Reference))
            findings.Add($"Reference {t.Model} at random initialization: {t.HesdType} (Ct {F(t.Ct)}).");
        return findings;
    }

    public static string F(double? v) => v is double x && double.IsFinite(x) ? x.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
