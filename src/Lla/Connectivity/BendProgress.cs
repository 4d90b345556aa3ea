using Lla.Models;
using Lla.Runs;
using static TorchSharp.torch;

namespace Lla.Connectivity;

/// <summary>What bend.resume.json holds: the options asked, and where the curve's training stands.</summary>
public sealed record BendProgressRecord(JobSettings Asked, string Method, bool Aligned, int Step, long Seed, IReadOnlyList<double> Losses)
{
    public int SchemaVersion { get; init; } = ResultsSerializer.SchemaVersion;
}

/// <summary>
/// Where an interrupted bend training stands, in the run folder: bend.resume (the bend θ_C by entry name, and the SGD
/// velocity under "optimizer.velocity.", so the file also loads as a model's weights) and bend.resume.json (the step
/// reached, the losses so far and the options asked), each written atomically after every epoch, the tensors first.
/// Because the t draws and the batch order are functions of (seed, step) (<see cref="CurveTraining"/>), a training
/// continued from here gives exactly the bend of an uninterrupted one. A finished run removes both.
/// </summary>
public static class BendProgress
{
    public const string TensorsFile = "bend.resume";
    public const string RecordFile = "bend.resume.json";
    private const string VelocityPrefix = WeightsLoader.OptimizerPrefix + "velocity.";

    public static bool Exists(string outDir) =>
        File.Exists(Path.Combine(outDir, RecordFile)) && File.Exists(Path.Combine(outDir, TensorsFile));

    public static void Save(string outDir, CurveState state, ConnectSettings asked)
    {
        var entries = state.Bend.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Value))
            .Concat(state.Velocity.Select(v => new KeyValuePair<string, Tensor>(VelocityPrefix + v.Key, v.Value)));
        TensorFile.Write(Path.Combine(outDir, TensorsFile), entries);
        ResultsSerializer.Write(Path.Combine(outDir, RecordFile),
            new BendProgressRecord(asked, state.Method.Name(), state.Aligned, state.Step, state.Seed, state.Losses.ToArray()));
    }

    /// <summary>
    /// The interrupted training, checked against what is asked now (same settings) and against model A's architecture
    /// (a bend of another model is refused with the mismatch named, before the settings are compared).
    /// </summary>
    public static CurveState Load(string outDir, ConnectSettings asked, ModelState a)
    {
        var entries = StateDictFiles.Read(Path.Combine(outDir, TensorsFile));
        var velocity = new Dictionary<string, Tensor>();
        var bendEntries = new List<(string, Tensor)>();
        foreach (var (name, t) in entries)
        {
            if (name.StartsWith(VelocityPrefix, StringComparison.Ordinal)) velocity[name[VelocityPrefix.Length..]] = t;
            else if (name.StartsWith(WeightsLoader.OptimizerPrefix, StringComparison.Ordinal)) t.Dispose();
            else bendEntries.Add((name, t));
        }
        var bend = new ModelState(bendEntries, a.ParameterNames.Where(n => bendEntries.Any(e => e.Item1 == n)));
        a.RequireSameArchitecture(bend, "model A", $"the saved bend {Path.Combine(outDir, TensorsFile)}");
        var unknown = velocity.Keys.Where(k => !a.ParameterNames.Contains(k)).ToList();
        if (unknown.Count > 0) throw new LlaException($"the saved bend's velocity has entries model A lacks: {string.Join(", ", unknown.Take(4))}");
        var record = ResultsSerializer.Read<BendProgressRecord>(Path.Combine(outDir, RecordFile), ResultsMigration.UpgradeProgress("connect"));
        if (SettingsDifference.Between(asked, record.Asked) is { } difference)
            throw new LlaException($"{{resume}}: {difference.Named} is {difference.Now} now but was {difference.Before} in the interrupted run; repeat its command");
        var method = SettingNames.Parse<PathMethod>(record.Method, "method");
        return new CurveState(method, record.Aligned, bend, velocity, record.Step, record.Seed, record.Losses);
    }

    public static void Remove(string outDir)
    {
        File.Delete(Path.Combine(outDir, RecordFile));
        File.Delete(Path.Combine(outDir, TensorsFile));
    }
}
