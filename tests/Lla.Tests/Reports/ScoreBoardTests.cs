using Lla.Reports;
using Lla.Studies.Scoring;

namespace Lla.Tests.Reports;

/// <summary>`lla study score`'s console leaderboard: exact cells (3 decimals, n/a where not finite) and the line under it.</summary>
public class ScoreBoardTests
{
    [Fact]
    public void Each_measure_is_a_row_of_intervals_cmi_sign_errors_and_models()
    {
        var results = new ScoreResults
        {
            Table = "zoo.csv", Models = 4, Axes = new[] { "lr", "wd" },
            Scores = new[]
            {
                new ScoreRecord("sharpness", 4, 0, 1, 0.5, 1, 0.81234, double.NaN, 1, new Dictionary<string, double>(), 0, 0, 0, 0.25, 0.0626, 0.5, 3, 2, Cmi: 0.79216),
                new ScoreRecord("margin", 3, 1, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, new Dictionary<string, double>(), 2,
                    double.NaN, double.NaN, double.NaN, double.PositiveInfinity, double.NaN, 3, 0, CmiReason: ConditionalMutualInformation.NoScorablePairReason),
            },
        };
        var rows = ScoreBoard.Rows(results);
        Assert.Equal(new[] { "measure", "τ (95% interval)", "Ψ (95% interval)", "CMI", "sign-error mean / p90 / max", "models" }, ScoreBoard.Columns);
        Assert.Equal(new[] { "sharpness", "1.000 (0.500 to 1.000)", "0.812 (n/a to 1.000)", "0.792", "0.000 / 0.063 / 0.500 (2 env.)", "4" }, rows[0]);
        Assert.Equal(new[] { "margin", "n/a (n/a to n/a)", "n/a (n/a to n/a)", "n/a", "n/a / n/a / n/a (0 env.)", "3" }, rows[1]);
        Assert.Equal($"4 models, sorted by {ScoreRun.SortOrder}; wrote {Path.Combine("s", "score.json")}", ScoreBoard.Footer(results, "s"));
    }
}
