using System.Text.Json.Nodes;
using Lla.Tests.Support;

namespace Lla.Tests.Runs;

/// <summary>
/// `lla` behaves as the version that wrote the fixtures: each fixture's recorded command, run again,
/// gives the same numbers (relative 1e-9: the same code path at the same seed and one thread, except the study
/// of runs-v2 at 1e-3: since issue 24 Lanczos and SLQ sum float32 vectors longer than 65,536 entries in float64
/// blocks, which moved its MLPs' float32 spectra by about 2e-5 relative and its correlations by 2e-4; only
/// timings, versions, paths and file lists may differ; the weights are named now, the embedded
/// default's checkpoint of the fixtures' day, as lenet-v1.bin). The numeric guard's record is free too:
/// it measures float32 rounding on the guard's own batch, and issue 24 redefined what it checks. So are the
/// options: schema 4 typed them (the migration's reading of old options is tested in RunClaimTests and ResultsMigrationTests).
/// </summary>
public class FixtureRerunTests
{
    private static readonly HashSet<string> Free = new() { "timings_s", "seconds", "seconds_this_session", "seconds_measuring_total", "seconds_per_model_and_dataset", "versions", "figures", "schema_version", "density", "processes", "config_file", "quiet", "json", "numeric_guard", "options" };

    /// <summary>runs-v1: analyze, hessian and landscapes as first written; runs-v2: the study since it holds out a validation set (issue 15).</summary>
    private static IEnumerable<object[]> AllCommands() =>
        new[] { "runs-v1", "runs-v2" }.SelectMany(set => File.ReadAllLines(Path.Combine(Paths.Fixture(set), "commands.txt"))
            .Where(l => l.Length > 0).Select(l => new object[] { set, l.Split(' ')[0] }));

    public static IEnumerable<object[]> Commands() => AllCommands().Where(c => (string)c[1] != "study");

    /// <summary>The study's rerun trains and measures a zoo: the slow category.</summary>
    public static IEnumerable<object[]> StudyCommands() => AllCommands().Where(c => (string)c[1] == "study");

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_recorded_command_reproduces_the_fixture(string set, string kind) => Rerun(set, kind);

    [Theory]
    [MemberData(nameof(StudyCommands))]
    [Trait(TestCategory.Name, TestCategory.Slow)]
    public void The_recorded_study_reproduces_the_fixture(string set, string kind) => Rerun(set, kind);

    private static void Rerun(string set, string kind)
    {
        string fixtures = Paths.Fixture(set);
        string line = File.ReadAllLines(Path.Combine(fixtures, "commands.txt")).First(l => l.StartsWith(kind + " ", StringComparison.Ordinal));
        string work = Paths.NewTempFolder();
        // The v1 fixtures were written with the embedded LeNet of their day; it was retrained since (with its init and a validation split).
        foreach (var name in new[] { "study-config.json", "lenet-v1.bin" }.Where(n => File.Exists(Path.Combine(fixtures, n))))
            File.Copy(Path.Combine(fixtures, name), Path.Combine(work, name));
        var run = LlaProcess.RunIn(work, line.Split(' ').Skip(1).Append("--quiet").ToArray());
        Assert.True(run.ExitCode == 0, run.Stderr);
        string file = kind == "study" ? "study.json" : "results.json";
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(fixtures, kind, file)))!;
        var actual = JsonNode.Parse(File.ReadAllText(Path.Combine(work, kind, file)))!;
        var differences = new List<string>();
        Compare(expected, actual, kind, differences, kind == "study" ? 1e-3 : 1e-9);
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(10)));
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences, double tolerance)
    {
        switch (expected)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (Free.Contains(key) || key.EndsWith("weights", StringComparison.Ordinal) && value is null or JsonValue || key is "spec" or "data" && value is JsonValue) continue;
                    if (actual is not JsonObject a || !a.ContainsKey(key)) { differences.Add($"{path}.{key}: missing"); continue; }
                    Compare(value, a[key], $"{path}.{key}", differences, tolerance);
                }
                break;
            case JsonArray e:
                if (actual is not JsonArray x || x.Count != e.Count) { differences.Add($"{path}: length"); return; }
                for (int i = 0; i < e.Count; i++) Compare(e[i], x[i], $"{path}[{i}]", differences, tolerance);
                break;
            case JsonValue v when v.TryGetValue(out double d):
                double other = actual is JsonValue w && w.TryGetValue(out double y) ? y : double.NaN;
                if (!(Math.Abs(d - other) <= tolerance * Math.Max(1, Math.Abs(d)))) differences.Add($"{path}: {d:R} then, {other:R} now");
                break;
            default:
                // Paths into the build folder depend on where the repository lives.
                static string Local(string? json) => json is null ? "" : System.Text.RegularExpressions.Regex.Replace(json, @"[^""\s]*/src/Lla\.Cli/bin/[^/]+/[^/]+/", "BIN/");
                if (Local(expected?.ToJsonString()) != Local(actual?.ToJsonString())) differences.Add($"{path}: {expected?.ToJsonString()} then, {actual?.ToJsonString()} now");
                break;
        }
    }
}
