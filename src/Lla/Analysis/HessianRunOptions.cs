using Lla.Guard;
using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;
using Lla.Runs;

namespace Lla.Analysis;

/// <summary>Everything a Hessian run (`lla hessian`, `lla analyze`) is asked to do.</summary>
public sealed record HessianRunOptions
{
    /// <summary>"hessian" or "analyze": recorded as the results' command.</summary>
    public string Command { get; init; } = "hessian";
    public required ModelSource Source { get; init; }
    public required DataSelection Selection { get; init; }
    public required HessianAnalysisOptions Analysis { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    /// <summary>The operator analysed: the Hessian (default), the GGN/Fisher, the empirical Fisher or the residual H − G.</summary>
    public CurvatureOperator Operator { get; init; } = CurvatureOperator.Hessian;
    /// <summary>Also analyse H, the GGN G and the residual R = H − G side by side (trace and density always on for them).</summary>
    public bool SplitCurvature { get; init; }
    /// <summary>Also run the analysis on each parameter group (a layer's weight and bias) of the analysed parameters.</summary>
    public bool PerLayer { get; init; }
    /// <summary>Also measure block heterogeneity: the JS distances between the blocks' normalized SLQ densities (METHOD.md, "Block heterogeneity").</summary>
    public bool BlockSpectra { get; init; }
    /// <summary>Also estimate the operator's diagonal by Hutchinson with <see cref="DiagonalHvps"/> probes (saved as diagonal.bin).</summary>
    public bool Diagonal { get; init; }
    public int DiagonalHvps { get; init; } = 100;
    /// <summary>
    /// The most samples (windows, images) one forward pass holds (`--micro-batch`): each batch's loss, gradient and
    /// products are sums over its micro-batches, weighted to equal the whole batch's. Null: whole batches, except for a
    /// GPT, where the run chooses the largest micro-batch its memory plan allows (<see cref="HessianMemoryPlan"/>).
    /// </summary>
    public int? MicroBatch { get; init; }
    /// <summary>The budget of a GPT's memory plan, forced (tests); null: <see cref="Native.MemoryBudget.RunLimitBytes"/>.</summary>
    internal double? PlanBudgetBytes { get; init; }
    /// <summary>Comma-separated globs of parameter names: analyse that block of the Hessian (null: all trainable parameters).</summary>
    public string? Params { get; init; }
    /// <summary>Grid intervals of the overview planes (random, Hessian and, with Adam state, Adam axes); 0: none.</summary>
    public int LandscapeSteps { get; init; }
    /// <summary>Generalization measure families to add on the same data (`analyze`: the cheap ones); none by default.</summary>
    public IReadOnlyList<Measures.MeasureFamily> Measures { get; init; } = Array.Empty<Measures.MeasureFamily>();
    /// <summary>For the measures: θ₀ (default WEIGHTS.init) and a validation set (ATC, DoC).</summary>
    public string? Init { get; init; }
    public string? Validation { get; init; }
    /// <summary>`analyze`'s profile name, recorded.</summary>
    public string? Profile { get; init; }
    /// <summary>The settings that decide the results, as results.json's <c>options</c> records them (<see cref="AnalyzeSettings"/> for `analyze`).</summary>
    public HessianSettings Settings
    {
        get
        {
            HessianSettings settings = Command == "analyze"
                ? new AnalyzeSettings { Profile = Profile, Measures = Measures.Distinct().OrderBy(f => f.Order).ToArray(), Init = Init, Validation = Validation }
                : new HessianSettings();
            return DataSettings.Of(settings, Source, Selection) with
            {
                Operator = Operator, TopK = Analysis.TopK, Which = Analysis.Which, EigenMethod = Analysis.EigenMethod, EigenTolerance = Analysis.EigenTolerance,
                EigenMaxSteps = Analysis.EigenMaxSteps, Trace = Analysis.Trace, TraceMethod = Analysis.TraceMethod, TraceApplications = Analysis.TraceApplications,
                Esd = Analysis.Esd, Runs = Analysis.Runs, LanczosSteps = Analysis.LanczosSteps,
                LanczosBasisDType = Analysis.LanczosBasisDType == Source.DType ? null : Analysis.LanczosBasisDType, KhPower = Analysis.KhPower, CtThreshold = Analysis.CtThreshold,
                Params = Params, LandscapeSteps = LandscapeSteps, SplitCurvature = SplitCurvature, PerLayer = PerLayer, BlockSpectra = BlockSpectra, Diagonal = Diagonal,
                DiagonalHvps = DiagonalHvps, OneDnn = OneDnn, MicroBatch = MicroBatch,
            };
        }
    }

    /// <summary>The block-heterogeneity settings: the run's SLQ runs and steps, and its SLQ seed (the analysis's + 2) for every block.</summary>
    public BlockSpectraOptions BlockSpectraOptions => new() { Runs = Analysis.Runs, Steps = Analysis.LanczosSteps, Seed = Analysis.Seed + 2 };

    public void Validate()
    {
        Analysis.Validate();
        Data.DataSpec.RequireSplit(Source.Data, Selection.Split);
        if (LandscapeSteps < 0 || LandscapeSteps % 2 != 0) throw new LlaException($"{{landscape-steps}} must be 0 or an even number (got {LandscapeSteps})");
        // The overview planes' grid is checked now, before any analysis (it would be refused only after it).
        if (LandscapeSteps > 0)
        {
            try { Landscapes.Grid.Create(LandscapeSteps, 1.0, Landscapes.UpdateRule.Add, twoDimensional: true); }
            catch (LlaException e) { throw new LlaException(e.Template.Replace("{steps}", "{landscape-steps}")); }
        }
        if (MicroBatch is < 1) throw new LlaException($"{{micro-batch}} must be at least 1 (got {MicroBatch})");
        if (DiagonalHvps < 2) throw new LlaException($"{{diagonal-hvps}} must be at least 2 (a standard error needs two probes; got {DiagonalHvps})");
        if (File.Exists(OutDir)) throw new LlaException($"{{out}} {OutDir} is a file, not a folder");
    }
}
