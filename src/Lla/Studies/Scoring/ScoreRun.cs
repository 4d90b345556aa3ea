using System.Text.Json.Nodes;
using Lla.Runs;

namespace Lla.Studies.Scoring;

/// <summary>What `lla study score` is asked: a model-zoo table, its hyperparameter axes, which measures, and where to write.</summary>
public sealed record ScoreRunOptions
{
    public required string Table { get; init; }
    public required IReadOnlyList<string> Axes { get; init; }
    /// <summary>The measure columns to score; null: every other numeric column.</summary>
    public IReadOnlyList<string>? Measures { get; init; }
    /// <summary>Measures scored negated (those where a smaller value predicts a larger gap).</summary>
    public IReadOnlyList<string> Negate { get; init; } = Array.Empty<string>();
    /// <summary>The test-set size n of the sign-error weights; null: the table's test_size column.</summary>
    public int? TestSize { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    public int Resamples { get; init; } = 1000;
    public long Seed { get; init; } = 42;
    public JsonObject? Record { get; init; }

    public void Validate()
    {
        if (Resamples < 1) throw new LlaException($"{{resamples}} must be at least 1 (got {Resamples})");
        if (TestSize is < 1) throw new LlaException($"{{test-size}} must be at least 1 (got {TestSize})");
        if (Axes.Distinct().Count() != Axes.Count) throw new LlaException($"{{axes}} names an axis twice ({string.Join(",", Axes)})");
    }
}

/// <summary>One measure's scores as score.json holds them (NaN written as null).</summary>
public sealed record ScoreRecord(
    string Name, int Models, int ModelsWithoutValue,
    double Tau, double TauLow, double TauHigh,
    double Psi, double PsiLow, double PsiHigh, IReadOnlyDictionary<string, double> PsiPerAxis, int PsiGroupsSkipped,
    double SignErrorMean, double SignErrorMeanLow, double SignErrorMeanHigh, double SignErrorP90, double SignErrorMax,
    int Environments, int EnvironmentsKept)
{
    public static ScoreRecord From(MeasureScore s) => new(
        s.Name, s.Models, s.ModelsWithoutValue, s.Tau.Value, s.Tau.Low, s.Tau.High, s.Psi.Value, s.Psi.Low, s.Psi.High, s.PsiPerAxis, s.PsiGroupsSkipped,
        s.SignErrorMean.Value, s.SignErrorMean.Low, s.SignErrorMean.High, s.SignErrorP90, s.SignErrorMax, s.Environments, s.EnvironmentsKept);
}

/// <summary>score.json: the scores of every measure, sorted by <see cref="SortedBy"/>.</summary>
public sealed record ScoreResults
{
    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    public string Command { get; init; } = "study score";
    public long Seed { get; init; }
    public JsonObject? Options { get; init; }
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    public required string Table { get; init; }
    public int Models { get; init; }
    public required IReadOnlyList<string> Axes { get; init; }
    public int TestSize { get; init; }
    public int Resamples { get; init; }
    public string SortedBy { get; init; } = ScoreRun.SortOrder;
    public required IReadOnlyList<ScoreRecord> Scores { get; init; }
}

/// <summary>
/// `lla study score`: the across-model scoring of measures on a model-zoo table from anywhere (the
/// same code the study scores its own models with). Reads and checks the whole table first, then
/// writes DIR/score.json atomically.
/// </summary>
public static class ScoreRun
{
    public const string FileName = "score.json";
    public const string SortOrder = "tau (descending), then psi (descending), then sign_error_mean (ascending); measures without a tau last";

    public static ScoreResults Execute(ScoreRunOptions o, Action<string>? say = null)
    {
        o.Validate();
        var table = ScoreTable.Read(o.Table, o.Axes, o.Measures, o.Negate, o.TestSize);
        using var runLock = RunLock.ForJob(o.OutDir, Parallel.SingleProcess.Instance, say, claim: new RunClaim("study score", null, Force: o.Force));
        var scores = Score(table, o.Axes, o.Resamples, o.Seed);
        var results = new ScoreResults
        {
            Seed = o.Seed,
            Options = o.Record,
            Versions = Versions.All(),
            Table = Path.GetFullPath(o.Table),
            Models = table.Models.Count,
            Axes = o.Axes,
            TestSize = table.TestSize,
            Resamples = o.Resamples,
            Scores = scores.Select(ScoreRecord.From).ToArray(),
        };
        new RunFolder(o.OutDir).Write(FileName, results);
        return results;
    }

    /// <summary>Every measure of the table scored and sorted (<see cref="SortOrder"/>); each measure's bootstrap draws a stream seeded by the seed and its name, so a score does not depend on the other columns.</summary>
    public static IReadOnlyList<MeasureScore> Score(ScoreTable table, IReadOnlyList<string> axes, int resamples, long seed) =>
        table.Measures.Select(m => AcrossModelScoring.Score(table.Models, axes, m, table.TestSize, resamples, MeasureSeed(seed, m)))
            .OrderBy(s => double.IsFinite(s.Tau.Value) ? 0 : 1)
            .ThenByDescending(s => Finite(s.Tau.Value)).ThenByDescending(s => Finite(s.Psi.Value)).ThenBy(s => double.IsFinite(s.SignErrorMean.Value) ? s.SignErrorMean.Value : 2)
            .ToList();

    /// <summary>The seed XOR the name's 64-bit FNV-1a hash (stable across processes, unlike string.GetHashCode).</summary>
    public static long MeasureSeed(long seed, string name)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in name) hash = (hash ^ c) * 1099511628211;
        return seed ^ (long)hash;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : double.NegativeInfinity;
}
