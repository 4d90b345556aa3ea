using System.Text.Json.Nodes;
using Lla.Studies.Scoring;
using Lla.Tests.Support;

namespace Lla.Tests.Studies.Scoring;

/// <summary>`lla study score`'s job: a table from anywhere in, score.json out; bad tables refused before anything is written.</summary>
public class ScoreRunTests
{
    /// <summary>A 2×2×2 zoo: gap = 0.1·lr + 0.2·wd; "sharp" equals the gap, "flat" is its negation, "noise" ignores it.</summary>
    private static string Table(string dir, bool testSize = true, Func<string, string>? edit = null)
    {
        var lines = new List<string> { "model,lr,wd,aug,train_accuracy,test_accuracy" + (testSize ? ",test_size" : "") + ",sharp,flat,noise,note" };
        int i = 0;
        foreach (int lr in new[] { 0, 1 })
            foreach (int wd in new[] { 0, 1 })
                foreach (int aug in new[] { 0, 1 })
                {
                    double gap = 0.1 * lr + 0.2 * wd + 0.01 * aug;
                    lines.Add(string.Join(',', $"m{i++}", lr, wd, aug, (0.6 + gap).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "0.6")
                        + (testSize ? ",10000" : "") + $",{gap.ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{(-gap).ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{(i * 37 % 11)},\"free, text\"");
                }
        string path = Path.Combine(dir, "zoo.csv");
        File.WriteAllText(path, string.Join('\n', lines.Select(edit ?? (l => l))) + "\n");
        return path;
    }

    [Fact]
    public void Score_json_ranks_the_measures_and_negate_flips_a_column()
    {
        string dir = Paths.NewTempFolder();
        var results = ScoreRun.Execute(new ScoreRunOptions { Table = Table(dir), Axes = new[] { "lr", "wd", "aug" }, Negate = new[] { "flat" }, OutDir = Path.Combine(dir, "out"), Resamples = 100 });
        Assert.Equal(8, results.Models);
        Assert.Equal(new[] { "flat", "sharp", "noise" }.Order(), results.Scores.Select(s => s.Name).Order()); // the text column is no measure
        Assert.Equal(1, results.Scores[0].Tau, 12); // "sharp" and the negated "flat" are the gap itself
        Assert.Equal(1, results.Scores[1].Tau, 12);
        Assert.Equal("noise", results.Scores[2].Name);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "out", ScoreRun.FileName)))!;
        var first = json["scores"]![0]!;
        foreach (var key in new[] { "name", "tau", "psi", "sign_error_max", "sign_error_p90", "sign_error_mean", "tau_low", "tau_high", "cmi", "cmi_reason", "cmi_pairs_skipped", "cmi_per_pair" })
            Assert.True(first.AsObject().ContainsKey(key), key);
        // CMI (0–1, not ×100) is scored on the negated column too: "flat" negated is the gap, as "sharp" is.
        Assert.All(results.Scores.Take(2), s => Assert.Equal(1, s.Cmi, 12));
        Assert.Equal(1, first["cmi"]!.GetValue<double>(), 12);
        Assert.Equal(6, first["cmi_per_pair"]!.AsArray().Count);
        Assert.Equal(new[] { "axis1", "axis2", "score", "mean_information", "mean_gap_entropy", "slices", "empty_slices" }, first["cmi_per_pair"]![0]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(10000, json["test_size"]!.GetValue<int>());
    }

    [Fact]
    public void The_same_measure_scores_the_same_whatever_other_columns_are_scored_beside_it()
    {
        string dir = Paths.NewTempFolder(), table = Table(dir);
        var all = ScoreRun.Execute(new ScoreRunOptions { Table = table, Axes = new[] { "lr", "wd", "aug" }, OutDir = Path.Combine(dir, "a"), Resamples = 100 });
        var one = ScoreRun.Execute(new ScoreRunOptions { Table = table, Axes = new[] { "lr", "wd", "aug" }, Measures = new[] { "noise" }, OutDir = Path.Combine(dir, "b"), Resamples = 100 });
        var alone = all.Scores.Single(s => s.Name == "noise");
        Assert.Equal(alone with { PsiPerAxis = one.Scores[0].PsiPerAxis, CmiPerPair = one.Scores[0].CmiPerPair }, one.Scores[0]);
        Assert.Equal(alone.CmiPerPair!, one.Scores[0].CmiPerPair!);
    }

    public static IEnumerable<object[]> BadTables() => new[]
    {
        new object[] { "no column 'depth'", new ScoreRunOptions { Table = "", Axes = new[] { "lr", "depth" }, OutDir = "" }, null! },
        new object[] { "axis 'aug' does not vary", new ScoreRunOptions { Table = "", Axes = new[] { "lr", "aug" }, OutDir = "" }, (Func<string, string>)(l => l.Replace(",1,0.", ",0,0.").Replace(",1,0.6", ",0,0.6")) },
        new object[] { "no measure column 'sam'", new ScoreRunOptions { Table = "", Axes = new[] { "lr" }, Measures = new[] { "sam" }, OutDir = "" }, null! },
        new object[] { "negate names 'sam'", new ScoreRunOptions { Table = "", Axes = new[] { "lr" }, Negate = new[] { "sam" }, OutDir = "" }, null! },
        new object[] { "test_accuracy must be a fraction in [0, 1] (got '60')", new ScoreRunOptions { Table = "", Axes = new[] { "lr" }, OutDir = "" }, (Func<string, string>)(l => l.StartsWith("m3,") ? l.Replace(",0.6", ",60", StringComparison.Ordinal) : l) },
        new object[] { "model 'm1' appears twice", new ScoreRunOptions { Table = "", Axes = new[] { "lr" }, OutDir = "" }, (Func<string, string>)(l => l.Replace("m2,", "m1,")) },
        new object[] { "measure sharp is not a finite number", new ScoreRunOptions { Table = "", Axes = new[] { "lr" }, Measures = new[] { "sharp" }, OutDir = "" }, (Func<string, string>)(l => l.StartsWith("m4,") ? l.Replace(",10000,0.1,", ",10000,inf,") : l) },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public void A_bad_table_is_refused_in_one_line_and_nothing_is_written(string expected, ScoreRunOptions options, Func<string, string>? edit)
    {
        string dir = Paths.NewTempFolder(), outDir = Path.Combine(dir, "out");
        var e = Assert.Throws<LlaException>(() => ScoreRun.Execute(options with { Table = Table(dir, edit: edit), OutDir = outDir }));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_folder_or_a_missing_file_as_the_table_is_refused_in_one_line()
    {
        string dir = Paths.NewTempFolder();
        var folder = Assert.Throws<LlaException>(() => ScoreRun.Execute(new ScoreRunOptions { Table = dir, Axes = new[] { "lr" }, OutDir = Path.Combine(dir, "out") }));
        Assert.Equal($"table {dir} is a folder, not a CSV file", folder.Message);
        var missing = Assert.Throws<LlaException>(() => ScoreRun.Execute(new ScoreRunOptions { Table = Path.Combine(dir, "no.csv"), Axes = new[] { "lr" }, OutDir = Path.Combine(dir, "out") }));
        Assert.EndsWith("no.csv not found", missing.Message);
    }

    [Fact]
    public void Without_a_test_size_column_the_option_is_required()
    {
        string dir = Paths.NewTempFolder();
        var options = new ScoreRunOptions { Table = Table(dir, testSize: false), Axes = new[] { "lr" }, OutDir = Path.Combine(dir, "out") };
        Assert.Contains("no test_size column", Assert.Throws<LlaException>(() => ScoreRun.Execute(options)).Message);
        Assert.Equal(2000, ScoreRun.Execute(options with { TestSize = 2000 }).TestSize);
    }
}
