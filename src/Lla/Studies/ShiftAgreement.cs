namespace Lla.Studies;

/// <summary>One measure on one shift over the trained models: in how many the measure moved the way the accuracy did, and how well it ranks the models' accuracy drops there.</summary>
/// <param name="Right">Models where direction·Δmeasure has the sign of the accuracy drop (Δ relative to the training split).</param>
/// <param name="Scored">Models with both numbers finite.</param>
/// <param name="Spearman">Across models on this shift alone: Spearman ρ of direction·Δmeasure with the accuracy drop, 95% interval from resampling models.</param>
public sealed record ShiftMeasureAgreement(string Measure, int Right, int Scored, CorrelationEstimate Spearman);

/// <summary>
/// The per-shift table of the leaderboard ("which shifts?"): per shift, the trained models' mean
/// accuracy drop and, for each compared measure (re, Kh, the cost-matched batch_accuracy, the best
/// label-free measure), a <see cref="ShiftMeasureAgreement"/>.
/// </summary>
public sealed record ShiftAgreement(string Shift, double MeanAccuracyDrop, int Models, IReadOnlyList<ShiftMeasureAgreement> Measures)
{
    /// <summary>The table over the config's shifts for the given measures (those not measured are left out).</summary>
    public static IReadOnlyList<ShiftAgreement> Table(StudyConfig config, StudyOutcome outcome, IReadOnlyList<string> trained, IEnumerable<string> measures)
    {
        var compared = measures.Where(config.Measured.Contains).Distinct().ToList();
        var table = new List<ShiftAgreement>();
        if (compared.Count == 0 || trained.Count == 0) return table;
        foreach (var shift in config.Shifts)
        {
            var drops = trained.Select(m => outcome.Rows.SingleOrDefault(r => r.Model == m && r.Dataset == shift.Name)?.DeltaAccuracy)
                .Where(d => d is double x && double.IsFinite(x)).Select(d => -d!.Value).ToList();
            var agreements = compared.Select(measure =>
            {
                int direction = StudyMeasures.Meaning(measure).Direction;
                var points = trained.SelectMany(model => StudyLeaderboard.Changes(outcome, model, measure, direction).Where(c => c.Dataset == shift.Name))
                    .Select(c => (IReadOnlyList<(double X, double Y)>)new[] { (c.Drop, c.Change) }).ToList();
                int right = points.Count(p => p[0].X != 0 && Math.Sign(p[0].Y) == Math.Sign(p[0].X));
                var rho = ClusterBootstrap.Estimate(points, Correlation.Spearman, config.Analysis.BootstrapResamples,
                    Scoring.ScoreRun.MeasureSeed(config.Analysis.Seed, measure + "|shift|" + shift.Name));
                return new ShiftMeasureAgreement(measure, right, points.Count, rho);
            }).ToList();
            table.Add(new ShiftAgreement(shift.Name, drops.Count > 0 ? drops.Average() : double.NaN, drops.Count, agreements));
        }
        return table;
    }

    /// <summary>The table in one sentence, for the verdict paragraph.</summary>
    public static string Sentence(IReadOnlyList<ShiftAgreement> table)
    {
        if (table.Count == 0) return "";
        static string Label(string m) => m == "kh" ? "Kh" : m;
        var parts = table.Select(s => $"{s.Shift} (mean accuracy drop {(s.MeanAccuracyDrop * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} points): "
            + string.Join(", ", s.Measures.Select(m => $"{Label(m.Measure)} {m.Right}/{m.Scored}")));
        return " Per shift, the models where the measure moved the way the accuracy did (direction·Δmeasure and the accuracy drop of the same sign): "
            + string.Join("; ", parts) + ".";
    }
}
