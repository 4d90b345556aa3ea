using Lla.Guard;
using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;

namespace Lla.Measures;

/// <summary>What a measure run (`lla measure`) is asked to do. Defaults follow METHOD.md.</summary>
public sealed record MeasureRunOptions
{
    public required ModelSource Source { get; init; }
    public required DataSelection Selection { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    public IReadOnlyList<MeasureFamily> Families { get; init; } = MeasureFamilies.All;
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

    /// <summary>The settings that decide the results, as results.json's <c>options</c> record them.</summary>
    public MeasureSettings Settings => DataSettings.Of(new MeasureSettings(), Source, Selection) with
    {
        Families = Families.Distinct().OrderBy(f => f.Order).ToArray(), Labels = PredictedLabels ? MeasureLabels.Predicted : MeasureLabels.True,
        Init = Init, Validation = Validation,
        Runs = Analysis.Runs, LanczosSteps = Analysis.LanczosSteps, KhPower = Analysis.KhPower, CtThreshold = Analysis.CtThreshold,
        SamRho = Sharpness.SamRho, RhoLinf = Sharpness.LinfRho, RhoL2 = Sharpness.L2Rho, SharpnessSamples = Sharpness.SampleCount, SharpnessBatch = Sharpness.BatchSize,
        OneDnn = OneDnn,
    };

    public void Validate()
    {
        if (Families.Count == 0) throw new LlaException("{only} names no family");
        Data.DataSpec.RequireSplit(Source.Data, Selection.Split);
        if (PredictedLabels && !Source.Loss.TakesLabels())
            throw new LlaException($"{{labels}} predicted needs a classification loss (cross-entropy or nll), not {Source.Loss.Name()}");
        if (!(Sharpness.SamRho > 0)) throw new LlaException($"{{sam-rho}} must be positive (got {Sharpness.SamRho})");
        if (!(Sharpness.LinfRho > 0)) throw new LlaException($"{{rho-linf}} must be positive (got {Sharpness.LinfRho})");
        if (!(Sharpness.L2Rho > 0)) throw new LlaException($"{{rho-l2}} must be positive (got {Sharpness.L2Rho})");
        if (Sharpness.SampleCount < 1 || Sharpness.BatchSize < 1 || Sharpness.SampleCount % Sharpness.BatchSize != 0)
            throw new LlaException($"{{sharpness-batch}} {Sharpness.BatchSize} must divide {{sharpness-samples}} {Sharpness.SampleCount}");
        if (Init is not null && !File.Exists(Init)) throw new LlaException($"{{init}}: initial weights not found: {Init}");
        if (File.Exists(OutDir)) throw new LlaException($"{{out}} {OutDir} is a file, not a folder");
        foreach (var family in Families.Distinct()) family.Validate(this);
        var calibrated = MeasureFamilies.All.Where(f => f.Measures.Any(m => m.NeedsValidation)).ToArray();
        if (Validation is not null && !Families.Intersect(calibrated).Any())
            throw new LlaException($"{{validation}} calibrates the {string.Join(" and ", calibrated.Select(f => f.Name))} measures " +
                                   $"({string.Join(", ", calibrated.SelectMany(f => f.Measures.Where(m => m.NeedsValidation).Select(m => m.Name)))}) only, which {{only}} leaves out: add {string.Join(" or ", calibrated.Select(f => f.Name))} to {{only}}, or drop {{validation}}");
    }
}
