using Lla.Guard;
using System.Text.Json.Nodes;
using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;

namespace Lla.Measures;

/// <summary>What a measure run (`lla measure`) is asked to do. Defaults follow METHOD.md.</summary>
public sealed record MeasureRunOptions
{
    public static readonly IReadOnlyList<MeasureFamily> AllFamilies = Enum.GetValues<MeasureFamily>();
    /// <summary>The families `lla analyze` adds by default: cheap, forward passes only.</summary>
    public static readonly IReadOnlyList<MeasureFamily> CheapFamilies =
        new[] { MeasureFamily.Baseline, MeasureFamily.Margin, MeasureFamily.Norms, MeasureFamily.Spectra, MeasureFamily.Confidence };

    public required ModelSource Source { get; init; }
    public required DataSelection Selection { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    public IReadOnlyList<MeasureFamily> Families { get; init; } = AllFamilies;
    /// <summary>The curvature family's settings (Lanczos, Hutch++, SLQ runs and steps, criteria).</summary>
    public HessianAnalysisOptions Analysis { get; init; } = new() { TopK = 1, Runs = 1, LanczosSteps = 80 };
    /// <summary>Use the model's own predictions as the labels of every label-taking measure (no labels needed).</summary>
    public bool PredictedLabels { get; init; }
    /// <summary>The initial weights θ₀ (dist_init, PAC-Bayes bounds); default: WEIGHTS.init beside the weights when it exists.</summary>
    public string? Init { get; init; }
    /// <summary>A labelled validation set from the training distribution (ATC, DoC): a data spec whose test split is used, e.g. holdout:0.1:DATA.</summary>
    public string? Validation { get; init; }
    public SharpnessOptions Sharpness { get; init; } = new();
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    public JsonObject? Record { get; init; }

    public static MeasureFamily ParseFamily(string name) =>
        Enum.TryParse<MeasureFamily>(name, ignoreCase: true, out var f) && !int.TryParse(name, out _) ? f
            : throw new LlaException($"{{only}}: unknown family '{name}' (known: {string.Join(", ", AllFamilies.Select(x => x.ToString().ToLowerInvariant()))})");

    public void Validate()
    {
        if (Families.Count == 0) throw new LlaException("{only} names no family");
        if (PredictedLabels && !Source.Loss.TakesLabels())
            throw new LlaException($"{{labels}} predicted needs a classification loss (cross-entropy or nll), not {Source.Loss.Name()}");
        if (!(Sharpness.SamRho > 0)) throw new LlaException($"{{sam-rho}} must be positive (got {Sharpness.SamRho})");
        if (!(Sharpness.LinfRho > 0)) throw new LlaException($"{{rho-linf}} must be positive (got {Sharpness.LinfRho})");
        if (!(Sharpness.L2Rho > 0)) throw new LlaException($"{{rho-l2}} must be positive (got {Sharpness.L2Rho})");
        if (Sharpness.SampleCount < 1 || Sharpness.BatchSize < 1 || Sharpness.SampleCount % Sharpness.BatchSize != 0)
            throw new LlaException($"{{sharpness-batch}} {Sharpness.BatchSize} must divide {{sharpness-samples}} {Sharpness.SampleCount}");
        if (Init is not null && !File.Exists(Init)) throw new LlaException($"{{init}}: initial weights not found: {Init}");
        if (File.Exists(OutDir)) throw new LlaException($"{{out}} {OutDir} is a file, not a folder");
        if (Families.Contains(MeasureFamily.Curvature)) Analysis.Validate();
        if (Validation is not null && !Families.Contains(MeasureFamily.Confidence))
            throw new LlaException("{validation} calibrates the confidence measures (ATC, DoC) only, which {only} leaves out: add confidence to {only}, or drop {validation}");
    }
}
