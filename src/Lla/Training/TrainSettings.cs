using System.Text.Json.Serialization;
using Lla.Guard;
using Lla.Runs;

namespace Lla.Training;

/// <summary>The settings of `lla train` that decide the weights (FILE.json's <c>options</c>, compared on resume; keys are the flags in snake case).</summary>
[JobName("train")]
public sealed record TrainSettings : ModelSettings
{
    public int Epochs { get; init; }
    public OptimizerKind Optimizer { get; init; }
    [JsonPropertyName("lr")] public double LearningRate { get; init; }
    public double Momentum { get; init; }
    public double WeightDecay { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public ScheduleKind Schedule { get; init; }
    public int WarmupSteps { get; init; }
    [JsonPropertyName("min_lr")] public double MinLearningRate { get; init; }
    /// <summary>0: no clipping.</summary>
    public double ClipGradNorm { get; init; }
    public int BatchSize { get; init; }
    public double ValidationSplit { get; init; }
    public int SaveEvery { get; init; }
    public int AnalyzeEvery { get; init; }
    [JsonPropertyName("onednn")] public OneDnnSetting OneDnn { get; init; }
    /// <summary>A study recipe's change of the gradients ("none", "clip-norm 1").</summary>
    [RecipeOnly] public string Gradient { get; init; } = "none";
    /// <summary>A study recipe's random shifts and flips of the training images.</summary>
    [RecipeOnly] public bool Augment { get; init; }
    /// <summary>A study recipe's share of training labels replaced by random classes.</summary>
    [RecipeOnly] public double LabelNoise { get; init; }
    /// <summary>A study recipe's stopping rule: the training accuracy that ends the training before its last epoch (0: none).</summary>
    [RecipeOnly] public double StopAccuracy { get; init; }
    /// <summary>A study's training-set size: the first this-many samples of the training split (0: all).</summary>
    [RecipeOnly] public int TrainSamples { get; init; }
}
