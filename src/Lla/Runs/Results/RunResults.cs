using System.Text.Json.Serialization;

namespace Lla.Runs;

/// <summary>
/// results.json of a run (schema in docs/results.md): the run record (command, options, seed, versions,
/// model, data, guard, timings, processes) here, and the payloads, each declared in its own record's file
/// (this record is partial: a payload adds its property beside its record, with a <see cref="JsonPropertyOrderAttribute"/>
/// between 1 and 99 that places it in the file; the run record's own keys come first, timings and processes last).
/// Written and read by <see cref="ResultsSerializer"/> only; the job writes it once, reports never.
/// </summary>
public sealed partial record RunResults
{
    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
    public required string Command { get; init; }
    /// <summary>`analyze`'s profile (quick, full); null otherwise.</summary>
    public string? Profile { get; init; }
    public long Seed { get; init; }
    /// <summary>The job's settings that decide the results (its typed record, named by <c>job</c>).</summary>
    public JobSettings? Options { get; init; }
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    public ModelRecord? Model { get; init; }
    public DataRecord? Data { get; init; }
    public string? BnMode { get; init; }
    public GuardRecord? NumericGuard { get; init; }
    public double? Loss { get; init; }
    /// <summary>exp(loss) for a next-token (language) model's loss; absent for every other loss.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Perplexity { get; init; }
    public double? Accuracy { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? TestAccuracy { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, long>? Seeds { get; init; }
    [JsonPropertyName("timings_s"), JsonPropertyOrder(100)] public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();
    [JsonPropertyOrder(100)] public ProcessRecord? Processes { get; init; }
}

/// <summary>
/// The analysed model: architecture, weights file, parameter count, analysed parameter names, dtype, what loading the
/// weights changed (e.g. "converted 10 float64 tensors to float32") and what reading a model file said of it (an ONNX
/// initializer tied over several node inputs, tensors widened when read); each absent when there is nothing to say.
/// </summary>
public sealed record ModelRecord(string Name, string Weights, long Parameters, IReadOnlyList<string> AnalysedParameters, string Dtype,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WeightsNote = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? FileNotes = null);

/// <summary>The analysed data: its spec, split, samples, batches, batch size and order, and what the reader said of it (classes, skipped files, conversions).</summary>
public sealed record DataRecord(string Spec, string Split, long Samples, int Batches, int BatchSize, bool Shuffle, string? Description = null);

/// <summary>How many processes did the work; under MPI, rank 0's MPI calls and the seconds spent in them.</summary>
public sealed record ProcessRecord(int Ranks, bool Mpi, long MpiCallsRank0, double MpiSecondsRank0);

/// <summary>The numeric guard's decision about oneDNN for backward passes, with its reports.</summary>
/// <param name="Summary">The guard in one sentence, for the page.</param>
public sealed record GuardRecord(string Setting, bool OnednnForBackward, string Reason, GuardCheckRecord? Guard, GuardCheckRecord? FallbackGuard, GuardCheckRecord? PostCheck)
{
    public string? Summary { get; init; }
}

/// <summary>
/// One guard check (docs/numeric-guard.md): what it checked, over how many float32 evaluations, and at its worst
/// entry the relative error against float64, the measured float32 rounding floor, their ratio and the factor allowed.
/// </summary>
public sealed record GuardCheckRecord(bool Passed, int Repeats, bool Onednn, string? Checked, string? WorstEntry,
    double MaxRelativeError, double Floor, double FloorLowerBound, double WorstRatio, double Factor);
