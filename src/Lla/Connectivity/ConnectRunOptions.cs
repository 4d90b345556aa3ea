using Lla.Objectives;
using Lla.Guard;
using Lla.Curvature;
using Lla.Models;
using Lla.Runs;

namespace Lla.Connectivity;

/// <summary>Whether model B is permuted to match model A before the paths are drawn.</summary>
public enum PathAlignment
{
    /// <summary>B as it is.</summary>
    None,
    /// <summary>Weight matching (<see cref="WeightMatching"/>): B's hidden units permuted to match A's; the function is unchanged.</summary>
    Weights,
}

/// <summary>What a connectivity run (`lla connect`) is asked to do. Defaults are those of `lla connect`.</summary>
public sealed record ConnectRunOptions
{
    /// <summary>Model A: architecture, its weights (<see cref="ModelSource.Weights"/>), data, loss, dtype and the seed of every random choice.</summary>
    public required ModelSource Source { get; init; }
    /// <summary>Model B's weights file (same architecture as A).</summary>
    public required string To { get; init; }
    /// <summary>The run folder: results.json, the aligned B and the trained bend.</summary>
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    /// <summary>Linear: the straight path(s) only; Bezier or Chain: also a curve whose bend is trained.</summary>
    public PathMethod Method { get; init; } = PathMethod.Linear;
    public PathAlignment Align { get; init; } = PathAlignment.None;
    /// <summary>Points t_i = i/(Points − 1) on every path (at least 2).</summary>
    public int Points { get; init; } = 61;
    /// <summary>Passes over the training split while the bend trains (one step per batch).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>The bend's SGD learning rate (momentum 0.9).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Batch size of the bend's training and of every evaluation (and of the BatchNorm recomputation pass).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>The most samples per forward pass of every evaluation (paths, plane); null: <see cref="EvaluationMicroBatch"/>'s default. The bend trains on whole batches.</summary>
    public int? MicroBatch { get; init; }
    public PathBatchNorm BatchNorm { get; init; } = PathBatchNorm.Recompute;
    /// <summary>Intervals per axis of the plane through A, B and the bend (<see cref="ConnectPlane"/>; a multiple of 10 puts them on grid points); 0: no plane. Curves only.</summary>
    public int PlaneSteps { get; init; } = 20;
    /// <summary>oneDNN for the bend's backward passes: decided by the numeric guard (auto), or forced.</summary>
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    /// <summary>Continue the interrupted run in <see cref="OutDir"/>: the bend's training (see <see cref="BendProgress"/>), then the plane from its point log (<see cref="ConnectPlane"/>).</summary>
    public bool Resume { get; init; }
    /// <summary>The models of the zoo that weight matching has a permutation spec for.</summary>
    public static readonly IReadOnlySet<string> AlignableModels = new HashSet<string> { "mlp", "lenet", "resnet20" };

    /// <summary>The settings that decide the results: results.json's <c>options</c>, compared on resume.</summary>
    public ConnectSettings Settings => ModelSettings.Of(new ConnectSettings(), Source) with
    {
        To = To, Method = Method, Align = Align, Points = Points, Epochs = Epochs, LearningRate = LearningRate, BatchSize = BatchSize, MicroBatch = MicroBatch,
        BatchNorm = BatchNorm, PlaneSteps = PlaneSteps, OneDnn = OneDnn,
    };

    /// <summary>Checks every setting that needs no model loaded, before anything is loaded or written.</summary>
    public void Validate()
    {
        if (Source.Weights is null && ModelFiles.Find(Source.Model) is null) throw new LlaException("{weights} must name model A's weights file (not 'none'): a path joins two trained models");
        if (Directory.Exists(To)) throw new LlaException($"{{to}} {To} is a folder: give model B's weights file itself");
        if (!File.Exists(To)) throw new LlaException($"{{to}}: weights file not found: {To}");
        if (Points < 2) throw new LlaException($"{{points}} must be at least 2 (got {Points})");
        if (Points > 100_000) throw new LlaException($"{{points}} {Points} is too many: at most 100000");
        if (BatchSize < 1) throw new LlaException($"{{batch-size}} must be at least 1 (got {BatchSize})");
        if (MicroBatch is < 1) throw new LlaException($"{{micro-batch}} must be at least 1 (got {MicroBatch})");
        if (Method != PathMethod.Linear)
        {
            if (Epochs < 1) throw new LlaException($"{{epochs}} must be at least 1 (got {Epochs})");
            if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new LlaException($"{{lr}} must be positive (got {LearningRate})");
        }
        if (Align == PathAlignment.Weights)
        {
            if (ModelFiles.Find(Source.Model) is var (format, _))
                throw new LlaException($"{{align}} weights cannot permute a {format.Name} model: it has no layer graph to permute (use {{align}} none, or a zoo model: {PermutationSpecs.Known})");
            if (!AlignableModels.Contains(Source.Model))
                throw new LlaException($"{{align}} weights has no permutation spec for {Source.Model} (known: {PermutationSpecs.Known}); use {{align}} none");
        }
        if (PlaneSteps < 0 || PlaneSteps % 2 != 0) throw new LlaException($"{{plane-steps}} must be an even number, at least 0 (got {PlaneSteps})");
        if (PlaneSteps > 1000) throw new LlaException($"{{plane-steps}} {PlaneSteps} is too many: at most 1000 ((N + 1)² points, each a pass over 2048 samples)");
        if (File.Exists(OutDir)) throw new LlaException($"{{out}} {OutDir} is a file, not a folder");
        if (Resume && Method == PathMethod.Linear) throw new LlaException("{resume} continues a curve's training: {method} linear trains nothing");
        if (Resume && !BendProgress.Exists(OutDir))
            throw new LlaException($"{{resume}}: {OutDir} holds no interrupted curve training (no {BendProgress.RecordFile})");
        if (!Resume && !Force && Method != PathMethod.Linear && BendProgress.Exists(OutDir))
            throw new LlaException($"{OutDir} holds an interrupted curve training ({BendProgress.RecordFile}): add {{resume}} to finish it, or choose another {{out}}");
    }
}
