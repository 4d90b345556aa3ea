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
    /// <summary>The memory the bootstrap draws may take, in bytes; null: the memory this process may use (<see cref="GC.GetGCMemoryInfo()"/>).</summary>
    public long? MemoryBudget { get; init; }
    /// <summary>A run estimated to take at least this long says so at its start and reports its progress every <see cref="ProgressEvery"/>.</summary>
    public TimeSpan LongRun { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings that decide the scores: score.json's <c>options</c>.</summary>
    public ScoreSettings Settings => new()
    {
        Table = Path.GetFullPath(Table), Axes = Axes, Measures = Measures, Negate = Negate, TestSize = TestSize, Resamples = Resamples, Seed = Seed,
    };

    /// <summary>The share of <see cref="MemoryBudget"/> the bootstrap draws may take.</summary>
    public const double MemoryShare = 0.8;

    public void Validate()
    {
        if (Resamples < 1) throw new LlaException($"{{resamples}} must be at least 1 (got {Resamples})");
        long budget = MemoryBudget ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        double bytes = AcrossModelScoring.DrawBytes(Resamples);
        if (Resamples > Array.MaxLength || bytes > MemoryShare * budget)
        {
            long most = Math.Min(Array.MaxLength, (long)(MemoryShare * budget / AcrossModelScoring.DrawBytes(1)));
            throw new LlaException($"{{resamples}} {Resamples} needs about {ScoreRun.Bytes(bytes)} of memory for its bootstrap draws " +
                $"({AcrossModelScoring.DrawBytes(1):0} bytes per resample), more than the {ScoreRun.Bytes(MemoryShare * budget)} it may use here: at most {most} resamples fit");
        }
        if (TestSize is < 1) throw new LlaException($"{{test-size}} must be at least 1 (got {TestSize})");
        if (Axes.Distinct().Count() != Axes.Count) throw new LlaException($"{{axes}} names an axis twice ({string.Join(",", Axes)})");
    }
}

/// <summary>
/// One measure's scores as score.json holds them (NaN written as null). <c>cmi</c> is null with <c>cmi_reason</c> when no pair of axes
/// could be scored (also in files written before CMI was added, which lack both).
/// </summary>
public sealed record ScoreRecord(
    string Name, int Models, int ModelsWithoutValue,
    double Tau, double TauLow, double TauHigh,
    double Psi, double PsiLow, double PsiHigh, IReadOnlyDictionary<string, double> PsiPerAxis, int PsiGroupsSkipped,
    double SignErrorMean, double SignErrorMeanLow, double SignErrorMeanHigh, double SignErrorP90, double SignErrorMax,
    int Environments, int EnvironmentsKept,
    double Cmi = double.NaN, string? CmiReason = null, int CmiPairsSkipped = 0, IReadOnlyList<CmiPairRecord>? CmiPerPair = null)
{
    public static ScoreRecord From(MeasureScore s) => new(
        s.Name, s.Models, s.ModelsWithoutValue, s.Tau.Value, s.Tau.Low, s.Tau.High, s.Psi.Value, s.Psi.Low, s.Psi.High, s.PsiPerAxis, s.PsiGroupsSkipped,
        s.SignErrorMean.Value, s.SignErrorMean.Low, s.SignErrorMean.High, s.SignErrorP90, s.SignErrorMax, s.Environments, s.EnvironmentsKept,
        s.Cmi.Value ?? double.NaN, s.Cmi.Reason, s.Cmi.PairsSkipped, s.Cmi.Pairs.Select(CmiPairRecord.From).ToArray());
}

/// <summary>One ordered pair of axes of the CMI score: its score (null: skipped, mean H(V_g) = 0), the means over its slices and how many were empty.</summary>
public sealed record CmiPairRecord(string Axis1, string Axis2, double Score, double MeanInformation, double MeanGapEntropy, long Slices, long EmptySlices)
{
    public static CmiPairRecord From(CmiPairScore p) => new(p.Axis1, p.Axis2, p.Score, p.MeanInformation, p.MeanGapEntropy, p.Slices, p.EmptySlices);
}

/// <summary>score.json: the scores of every measure, sorted by <see cref="SortedBy"/>.</summary>
public sealed record ScoreResults
{
    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    public string Command { get; init; } = "study score";
    public long Seed { get; init; }
    public JobSettings? Options { get; init; }
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
        using var runLock = RunLock.ForJob(o.OutDir, Parallel.SingleProcess.Instance, say, claim: new RunClaim("study score", o.Settings, Force: o.Force));
        var scores = Score(table, o.Axes, o.Resamples, o.Seed, LongRunProgress(table, o, say));
        var results = new ScoreResults
        {
            Seed = o.Seed,
            Options = o.Settings,
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
    /// <param name="drawn">Told, per measure, how many bootstrap draws were just made (2 × <paramref name="resamples"/> per measure).</param>
    public static IReadOnlyList<MeasureScore> Score(ScoreTable table, IReadOnlyList<string> axes, int resamples, long seed, Action<string, long>? drawn = null) =>
        table.Measures.Select(m => AcrossModelScoring.Score(table.Models, axes, m, table.TestSize, resamples, MeasureSeed(seed, m),
                drawn is null ? null : count => drawn(m, count)))
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

    /// <summary>
    /// For a run estimated to take at least <see cref="ScoreRunOptions.LongRun"/> (timed on a few hundred draws of one
    /// measure): says the estimate before it starts, and returns a reporter that says how far it is every
    /// <see cref="ScoreRunOptions.ProgressEvery"/>; null for a short run.
    /// </summary>
    private static Action<string, long>? LongRunProgress(ScoreTable table, ScoreRunOptions o, Action<string>? say)
    {
        if (say is null || table.Measures.Count == 0) return null;
        double total = 2.0 * o.Resamples * table.Measures.Count;
        double seconds = EstimateSeconds(table, o);
        if (seconds < o.LongRun.TotalSeconds) return null;
        say($"scoring {table.Measures.Count} measure(s) with {o.Resamples} bootstrap resamples each: about {Durations.Estimate(seconds)} (estimated), " +
            $"up to {Bytes(AcrossModelScoring.DrawBytes(o.Resamples))} of memory");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = o.ProgressEvery;
        long done = 0;
        var measures = table.Measures.ToList();
        return (measure, count) =>
        {
            done += count;
            if (clock.Elapsed < next) return;
            next = clock.Elapsed + o.ProgressEvery;
            double left = clock.Elapsed.TotalSeconds / done * (total - done);
            say(FormattableString.Invariant($"[{Durations.Estimate(clock.Elapsed.TotalSeconds)}] bootstrap: {done} of {total:0} draws ({100.0 * done / total:0.0} %), ") +
                $"measure {measures.IndexOf(measure) + 1} of {measures.Count} ({measure}); about {Durations.Estimate(left)} left");
        };
    }

    /// <summary>Seconds the whole scoring should take, from the time of a few hundred draws of the first measure (0 for a small run).</summary>
    private static double EstimateSeconds(ScoreTable table, ScoreRunOptions o)
    {
        const int sample = 400;
        if (o.Resamples <= 5 * sample) return 0;
        string measure = table.Measures[0];
        AcrossModelScoring.Score(table.Models, o.Axes, measure, table.TestSize, 20, o.Seed); // compiled before it is timed
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AcrossModelScoring.Score(table.Models, o.Axes, measure, table.TestSize, sample, o.Seed);
        return clock.Elapsed.TotalSeconds / sample * o.Resamples * table.Measures.Count;
    }

    /// <summary>"512 MB", "47.7 GB".</summary>
    public static string Bytes(double bytes) => bytes >= 1 << 30
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1 << 30):0.#} GB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Ceiling(bytes / (1 << 20)):0} MB");

    private static double Finite(double v) => double.IsFinite(v) ? v : double.NegativeInfinity;
}
