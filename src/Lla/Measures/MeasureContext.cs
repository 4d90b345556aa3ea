using Lla.Curvature;
using Lla.Data;
using Lla.Objectives;
using Lla.Parallel;
using Lla.Runs;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Measures;

/// <summary>
/// What a family's computation gets (<see cref="MeasureFamily.Compute"/>): the model, the loss and the
/// analysed batches (their labels the model's own argmax under <see cref="PredictedLabels"/>), θ₀, the
/// validation batches, the seed and the job's settings. `lla measure` and `lla analyze` fill it from their
/// analysis session; a study fills it per analysed batch, without a session.
/// </summary>
public sealed record MeasureContext
{
    public required nn.Module<Tensor, Tensor> Model { get; init; }
    public required LossFunction Loss { get; init; }
    /// <summary>The analysed batches; under <see cref="PredictedLabels"/> their labels are the model's argmax (eval mode).</summary>
    public required IReadOnlyList<Batch> Batches { get; init; }
    /// <summary>The base seed of the family's random draws.</summary>
    public required long Seed { get; init; }
    /// <summary>The model's trainable parameters (null: <c>ParameterSet.Of(Model)</c>).</summary>
    public ParameterSet? Parameters { get; init; }
    /// <summary>The labels of every label-taking measure are the model's own predictions.</summary>
    public bool PredictedLabels { get; init; }
    /// <summary>θ₀ as one flat vector in parameter order, when known.</summary>
    public Tensor? InitialParameters { get; init; }
    /// <summary>A labelled validation set from the training distribution, when given.</summary>
    public IReadOnlyList<Batch>? Validation { get; init; }
    /// <summary>The size of the training split (PAC-Bayes m), read when first asked; null: unknown.</summary>
    public Func<long>? TrainingSetSize { get; init; }
    /// <summary>The curvature family's settings (Lanczos, Hutch++, SLQ runs and steps, criteria).</summary>
    public HessianAnalysisOptions Analysis { get; init; } = new() { TopK = 1, Runs = 1, LanczosSteps = 80 };
    /// <summary>The sharpness family's settings (its seed is <see cref="Seed"/>).</summary>
    public SharpnessOptions Sharpness { get; init; } = new();
    /// <summary>The representation family's settings (its layer; its Mixup seed is <see cref="Seed"/>).</summary>
    public RepresentationOptions Representation { get; init; } = new();
    /// <summary>The analysis session of `lla measure` and `lla analyze` (the curvature family runs on it); null in a study.</summary>
    public AnalysisSession? Session { get; init; }
    /// <summary>The processes the work is shared over.</summary>
    public IProcessGroup? Group { get; init; }
    public Action<AnalysisProgress>? Progress { get; init; }
    /// <summary>The most samples per forward pass (the session's micro-batch); null: <see cref="EvaluationMicroBatch"/>'s default.</summary>
    public int? MicroBatch { get; init; }

    /// <summary>The context of an analysis session: its model, loss, batches and seed (the rest at its defaults; set them with <c>with</c>).</summary>
    public static MeasureContext Of(AnalysisSession session) => new()
    {
        Model = session.Model, Loss = session.Source.LossFunction, Batches = session.Batches, Seed = session.Source.Seed, Session = session, MicroBatch = session.Objective.MicroBatch,
    };

    /// <summary>The loss of the model on <see cref="Batches"/>, in micro-batches (<see cref="MicroBatch"/>, or <see cref="EvaluationMicroBatch"/>'s default).</summary>
    public Objective Objective() => EvaluationMicroBatch.Apply(new(Model, Loss, Batches), MicroBatch);
}
