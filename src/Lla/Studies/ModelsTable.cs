using System.Globalization;
using System.Text;
using Lla.Studies.Scoring;

namespace Lla.Studies;

/// <summary>
/// models.csv: the study's trained models as a model-zoo table in exactly the form `lla study score`
/// reads (<see cref="ScoreTable"/>): model, the axis columns, train_accuracy (on the labels trained
/// with), test_accuracy, test_size, then each measure on the training split as measured (not
/// oriented; <see cref="ScoreCommand"/> negates those whose direction is −1). Numbers are written
/// round-trip ("R"), so scoring the file reproduces the study's own across-model scores exactly.
/// </summary>
public static class ModelsTable
{
    public static string Csv(StudyConfig config, IReadOnlyList<ZooModel> zoo, int testSize)
    {
        static string N(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        var header = new[] { ScoreTable.ModelColumn }.Concat(config.AxesOrNone)
            .Concat(new[] { ScoreTable.TrainColumn, ScoreTable.TestColumn, ScoreTable.TestSizeColumn }).Concat(config.Measured);
        var csv = new StringBuilder().AppendLine(string.Join(",", header));
        foreach (var m in zoo)
            csv.AppendLine(string.Join(",", new[] { m.Name }.Concat(config.AxesOrNone.Select(a => m.Axes[a]))
                .Concat(new[] { N(m.TrainAccuracy), N(m.TestAccuracy), testSize.ToString(CultureInfo.InvariantCulture) })
                .Concat(config.Measured.Select(name => N(StudyMeasures.Meaning(name).Direction * m.Measures[name])))));
        return csv.ToString();
    }

    /// <summary>The command that scores models.csv as the study did (same measures, orientation, resamples and seed).</summary>
    public static string ScoreCommand(StudyConfig config, int testSize)
    {
        if (config.AxesOrNone.Count == 0) return "";
        var negate = config.Measured.Where(m => StudyMeasures.Meaning(m).Direction < 0).ToList();
        return $"lla study score {LeaderboardResults.ModelsFile} --axes {string.Join(',', config.AxesOrNone)} --measures {string.Join(',', config.Measured)}"
            + (negate.Count > 0 ? $" --negate {string.Join(',', negate)}" : "")
            + $" --resamples {config.Analysis.BootstrapResamples} --seed {config.Analysis.Seed} --out score";
    }
}
