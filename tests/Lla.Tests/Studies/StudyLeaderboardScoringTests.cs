using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Studies;

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

    /// <summary>One batch, one run: λmax = 1, λmin = −re (MP); batch_accuracy = the dataset's accuracy.</summary>
    private static StudyMeasurement M(string model, string dataset, double accuracy, double re) =>
        new(model, dataset, accuracy, 1 - accuracy, new[] { new[] { new RunCriteria(-re, 1, re, 0.3, -re, null) } }, -0.6, 10, 0.1)
        {
            Measures = new Dictionary<string, IReadOnlyList<IReadOnlyList<double?>>> { ["batch_accuracy"] = new[] { new double?[] { accuracy } } },
        };

    private static StudyOutcome Outcome()
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
        return StudyOutcome.Analyse(Config(), rows);
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
