using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Studies;
using Lla.Studies.Scoring;

namespace Lla.Tests.Studies;

/// <summary>
/// The leaderboard's orientation and verdict on synthetic studies whose answers are known: a measure of
/// direction −1 (batch_accuracy) that falls as accuracy falls, and that is lower for models with a larger
/// gap, scores +1 both across datasets and across models; re that moves the other way loses to it.
/// </summary>
public class StudyLeaderboardScoringTests
{
    private static readonly string[] Names = { "a", "b", "c", "d", "e" };

    private static StudyConfig Config() => StudyConfig.Parse(JsonNode.Parse("""
        { "shifts": ["noise:1"], "analysis": { "bootstrap": 200 }, "measures": ["re", "batch_accuracy"], "axes": ["lr"],
          "models": [ {"name":"a","model":"mlp","lr":0.001,"seed":1}, {"name":"b","model":"mlp","lr":0.003,"seed":1},
                      {"name":"c","model":"mlp","lr":0.001,"seed":2}, {"name":"d","model":"mlp","lr":0.003,"seed":2},
                      {"name":"e","model":"mlp","lr":0.001,"seed":3} ] }
        """), "test");

    /// <summary>The same models over two axes, lr and seed, with e a second run of a's cell (more epochs), so CMI has a slice with two models.</summary>
    private static StudyConfig TwoAxes() => StudyConfig.Parse(JsonNode.Parse("""
        { "shifts": ["noise:1"], "analysis": { "bootstrap": 200 }, "measures": ["re", "batch_accuracy"], "axes": ["lr", "seed"],
          "models": [ {"name":"a","model":"mlp","lr":0.001,"seed":1}, {"name":"b","model":"mlp","lr":0.003,"seed":1},
                      {"name":"c","model":"mlp","lr":0.001,"seed":2}, {"name":"d","model":"mlp","lr":0.003,"seed":2},
                      {"name":"e","model":"mlp","lr":0.001,"seed":1,"epochs":7} ] }
        """), "test");

    /// <summary>One batch, one run: λmax = 1, λmin = −re (MP); batch_accuracy = the dataset's accuracy.</summary>
    private static StudyMeasurement M(string model, string dataset, double accuracy, double re) =>
        new(model, dataset, accuracy, 1 - accuracy, new[] { new[] { new RunCriteria(-re, 1, re, 0.3, -re, null) } }, -0.6, 10, 0.1)
        {
            Measures = new Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>> { ["batch_accuracy"] = new[] { new double?[] { accuracy } } },
        };

    private static StudyOutcome Outcome(StudyConfig? config = null)
    {
        // Train accuracy rises a → e while the test accuracy rises faster, so the gap shrinks: 0.20, 0.12, 0.04, 0.01, 0.005.
        double[] train = { 0.90, 0.92, 0.94, 0.96, 0.98 }, test = { 0.70, 0.80, 0.90, 0.95, 0.975 };
        var rows = new List<StudyMeasurement>();
        for (int k = 0; k < 5; k++)
        {
            // re falls as the accuracy falls: the wrong way for the papers' claim.
            rows.Add(M(Names[k], "train", train[k], 0.10));
            rows.Add(M(Names[k], "test", test[k], 0.10 - 0.2 * (train[k] - test[k])));
            rows.Add(M(Names[k], "noise:1", test[k] - 0.3, 0.10 - 0.2 * (train[k] - test[k] + 0.3)));
        }
        return StudyOutcome.Analyse(config ?? Config(), rows);
    }

    [Fact]
    public void A_direction_minus_one_measure_that_tracks_accuracy_scores_plus_one_across_datasets_and_across_models()
    {
        var board = StudyLeaderboard.Score(Config(), Outcome(), testSize: 10_000);
        var accuracy = board.Entries.Single(e => e.Measure == "batch_accuracy");
        Assert.Equal(-1, accuracy.Direction);
        Assert.Equal(1, accuracy.AllModels!.Spearman.Value, 12);
        Assert.Equal(1, accuracy.AllModels.Kendall.Value, 12);
        Assert.Equal(1, accuracy.AcrossModels!.Tau.Value, 12);
        Assert.Equal(0, accuracy.AcrossModels.SignErrorMean.Value, 12);
        var re = board.Entries.Single(e => e.Measure == "re");
        Assert.Equal(-1, re.AllModels!.Spearman.Value, 12);
        Assert.Equal("batch_accuracy", board.Entries[0].Measure); // sorted by ρ over all models
        // The zoo holds direction × value: −(train batch accuracy).
        Assert.Equal(new[] { -0.90, -0.92, -0.94, -0.96, -0.98 }, board.Zoo.Select(z => z.Measures["batch_accuracy"]));
    }

    [Fact]
    public void Cmi_scores_direction_times_the_value_and_the_leaderboard_files_carry_it_beside_tau_and_psi()
    {
        var config = TwoAxes();
        var board = StudyLeaderboard.Score(config, Outcome(config), testSize: 10_000);
        var accuracy = board.Entries.Single(e => e.Measure == "batch_accuracy").AcrossModels!;
        // −(batch accuracy) orders every pair of models as the gap does.
        Assert.Equal(1, accuracy.Cmi.Value!.Value, 12);
        // The raw batch accuracy orders every pair the other way: the i = j pairs keep it from 1.
        var raw = board.Zoo.Select(z => z with { Measures = z.Measures.ToDictionary(kv => kv.Key, kv => -kv.Value) }).ToList();
        Assert.InRange(ConditionalMutualInformation.Score(raw, config.AxesOrNone, "batch_accuracy").Value!.Value, 0.1, 0.95);

        var results = LeaderboardResults.From(config, board);
        var csv = StudyTable.LeaderboardCsv(results).Split('\n');
        var header = csv[0].Split(',').ToList();
        Assert.Equal(header.IndexOf("psi_high") + 1, header.IndexOf("cmi"));
        var row = csv.Single(l => l.StartsWith("batch_accuracy,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("1", row[header.IndexOf("cmi")]);
        string md = Lla.Reports.StudyLeaderboardMarkdown.Render("test", results);
        Assert.Contains("| τ across models | Ψ | CMI | sign-error mean (kept) |", md);
        Assert.Contains($"| {accuracy.Psi.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} | 1.00 | ", md);
        // The verdict's across-model sentence is re's: re is the same on every training split, so V_m is never 1 and I = 0.
        Assert.Equal(0, board.Entries.Single(e => e.Measure == "re").AcrossModels!.Cmi.Value!.Value, 12);
        Assert.Contains(", CMI = 0.000, mean sign-error", board.Verdict);

        // With one axis CMI is n/a, and the Markdown says why.
        var oneAxis = LeaderboardResults.From(Config(), StudyLeaderboard.Score(Config(), Outcome(), testSize: 10_000));
        Assert.All(oneAxis.Entries, e => Assert.Equal(ConditionalMutualInformation.FewerThanTwoAxesReason(1), e.AcrossModels!.CmiReason));
        Assert.Contains($"CMI n/a for `batch_accuracy`, `re`: {ConditionalMutualInformation.FewerThanTwoAxesReason(1)}.", Lla.Reports.StudyLeaderboardMarkdown.Render("test", oneAxis));
    }

    [Fact]
    public void An_undefined_correlation_reads_n_a_without_an_interval()
    {
        // A measure undefined on the shifted sets (log γ of a negative margin) has ρ = NaN across datasets.
        var results = LeaderboardResults.From(Config(), StudyLeaderboard.Score(Config(), Outcome(), testSize: 10_000));
        var nan = new EstimateRecord(double.NaN, double.NaN, double.NaN, 0, 0, 0, 1000);
        results = results with { Entries = results.Entries.Select(e => e.Measure == "re" ? e with { MpModels = e.MpModels! with { Spearman = nan, Kendall = nan }, AllModels = e.AllModels! with { Spearman = nan, Kendall = nan } } : e).ToArray() };
        string md = Lla.Reports.StudyLeaderboardMarkdown.Render("test", results);
        string row = md.Split('\n').Single(l => l.StartsWith("| `re` |", StringComparison.Ordinal));
        Assert.DoesNotContain("n/a [", row);
        Assert.True(row.StartsWith("| `re` | curvature | yes | ", StringComparison.Ordinal) && row.Contains(" | n/a | n/a | n/a | n/a | ", StringComparison.Ordinal), row);
        string html = Lla.Reports.StudyLeaderboardHtml.Section(results);
        int table = html.IndexOf("<table>", StringComparison.Ordinal);
        Assert.DoesNotContain("n/a [", html[table..html.IndexOf("</table>", table, StringComparison.Ordinal)]);
    }

    [Fact]
    public void The_verdict_says_re_lost_to_the_batch_accuracy_and_leads_across_models_with_the_mean_sign_error()
    {
        string verdict = StudyLeaderboard.Score(Config(), Outcome(), testSize: 10_000).Verdict;
        Assert.Contains("Across datasets (MP models, 5 models): re (ρ = -1.000 [-1.000, -1.000]) lost to batch_accuracy (ρ = 1.000 [1.000, 1.000]; difference -2.000 [-2.000, -2.000])", verdict);
        Assert.Contains("Across models: re τ = ", verdict);
        Assert.Contains("mean sign-error", verdict);
        Assert.Contains("of 1 environments that kept a pair", verdict);
        Assert.DoesNotContain("worst sign-error", verdict);
        Assert.Contains("noise:1 (mean accuracy drop", verdict);
    }

    [Fact]
    public void With_four_models_the_verdict_does_not_claim_a_winner()
    {
        var config = Config() with { Models = Config().Models.Where(m => m.Name != "e").ToList() };
        var outcome = StudyOutcome.Analyse(config, Outcome().Rows.Where(r => r.Model != "e").Select(r => r.Measurement).ToList());
        string verdict = StudyLeaderboard.Score(config, outcome, 10_000).Verdict;
        Assert.Contains("re (ρ = -1.000 [-1.000, -1.000]) could not be compared with batch_accuracy", verdict);
        Assert.DoesNotContain("lost to", verdict);
    }
}
