using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Studies;

namespace Lla.Tests.Studies;

/// <summary>The leaderboard's per-shift table, by hand on four synthetic models.</summary>
public class ShiftAgreementTests
{
    /// <summary>One batch, one run: λmax = 1, λmin = −re, so Ct = −re (MP for small re).</summary>
    private static StudyMeasurement M(string model, string dataset, double accuracy, double re, double kh) =>
        new(model, dataset, accuracy, 1 - accuracy, new[] { new[] { new RunCriteria(-re, 1, re, kh, -re, null) } }, -0.6, 10, 0.1);

    [Fact]
    public void Per_shift_it_counts_the_models_that_moved_with_accuracy_and_ranks_their_drops()
    {
        var config = StudyConfig.Parse(JsonNode.Parse("""
            { "shifts": ["noise:1", "contrast:3"], "analysis": { "bootstrap": 200 }, "measures": ["re", "kh"],
              "models": [ {"name":"a","model":"mlp"}, {"name":"b","model":"mlp"}, {"name":"c","model":"mlp"}, {"name":"d","model":"mlp"} ] }
            """), "test");
        var measurements = new List<StudyMeasurement>();
        string[] names = { "a", "b", "c", "d" };
        for (int k = 0; k < 4; k++)
        {
            double noiseDrop = 0.1 * (k + 1), contrastDrop = 0.3 - 0.05 * k;
            measurements.Add(M(names[k], "train", 0.9, 0.05, 0.3));
            measurements.Add(M(names[k], "test", 0.88, 0.05, 0.3));
            measurements.Add(M(names[k], "noise:1", 0.9 - noiseDrop, 0.05 + 0.2 * noiseDrop, 0.3 + 0.2 * noiseDrop));
            // On contrast, re of model d falls although its accuracy falls: one model the wrong way; Kh stays exactly put in every model.
            measurements.Add(M(names[k], "contrast:3", 0.9 - contrastDrop, k == 3 ? 0.04 : 0.05 + 0.1 * contrastDrop, 0.3));
        }
        var outcome = StudyOutcome.Analyse(config, measurements);
        var table = ShiftAgreement.Table(config, outcome, names, new[] { "re", "kh", "batch_accuracy" });

        Assert.Equal(new[] { "noise:1", "contrast:3" }, table.Select(s => s.Shift));
        var noise = table[0];
        Assert.Equal(0.25, noise.MeanAccuracyDrop, 12);
        Assert.Equal(4, noise.Models);
        Assert.Equal(new[] { "re", "kh" }, noise.Measures.Select(m => m.Measure)); // batch_accuracy was not measured: left out
        Assert.Equal((4, 4), (noise.Measures[0].Right, noise.Measures[0].Scored));
        Assert.Equal(1, noise.Measures[0].Spearman.Value, 12); // re's rise ranks the four drops exactly

        var contrast = table[1];
        Assert.Equal((0.3 + 0.25 + 0.2 + 0.15) / 4, contrast.MeanAccuracyDrop, 12);
        Assert.Equal((3, 4), (contrast.Measures[0].Right, contrast.Measures[0].Scored));
        // re rises with the drop in a, b, c (drops 0.30 > 0.25 > 0.20) and falls in d (the smallest drop): still a perfect ranking.
        Assert.Equal(1, contrast.Measures[0].Spearman.Value, 12);
        Assert.Equal((0, 4), (contrast.Measures[1].Right, contrast.Measures[1].Scored)); // Kh did not move: sign 0 is not "with accuracy"

        string sentence = ShiftAgreement.Sentence(table);
        Assert.Contains("noise:1 (mean accuracy drop 25.0 points): re 4/4, Kh 4/4", sentence);
        Assert.Contains("contrast:3 (mean accuracy drop 22.5 points): re 3/4, Kh 0/4", sentence);
    }
}
