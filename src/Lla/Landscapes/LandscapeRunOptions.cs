using Lla.Guard;
using Lla.Curvature;
using Lla.Runs;
using Lla.Models;
using Lla.Objectives;

namespace Lla.Landscapes;

/// <summary>Everything a landscape run is asked to do. Defaults are those of `lla landscape`.</summary>
public sealed record LandscapeRunOptions
{
    public required ModelSource Source { get; init; }
    public required DataSelection Selection { get; init; }
    public required IReadOnlyList<PlaneSpec> Planes { get; init; }
    /// <summary>The run folder: plan, directions, point logs and results.json.</summary>
    public required string OutDir { get; init; }
    /// <summary>Replace whatever run the output folder holds (`--force`), instead of refusing it.</summary>
    public bool Force { get; init; }
    public int Steps { get; init; } = 40;
    public double Distance { get; init; } = 1.0;
    public bool IgnoreBiasAndBatchNorm { get; init; }
    public int? Freeze { get; init; }
    public string? FreezeNames { get; init; }
    public double? LossCap { get; init; }
    /// <summary>Which eigenvectors (0-based, by magnitude) are the Hessian axes.</summary>
    public int EigenFirst { get; init; }
    public int EigenSecond { get; init; } = 1;
    /// <summary>`--eigen-pair max,min`: the axes are the eigenvectors of λ_max and λ_min (algebraically) instead of two indices.</summary>
    public bool EigenMaxMin { get; init; }
    /// <summary>The curvature whose eigenvectors are the Hessian axes (computed here): the Hessian by default, or the GGN, empirical Fisher, residual.</summary>
    public Curvature.CurvatureOperator Operator { get; init; } = Curvature.CurvatureOperator.Hessian;
    /// <summary>A Hessian run folder whose eigenvectors.bin gives the Hessian axes (else they are computed).</summary>
    public string? HessianRun { get; init; }
    public IReadOnlyList<string> Checkpoints { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Trajectory { get; init; } = Array.Empty<string>();
    public string? DirectionFile { get; init; }
    /// <summary>The checkpoint with Adam's moments (default: the weights).</summary>
    public string? OptimizerState { get; init; }
    public bool Resume { get; init; }
    public OneDnnSetting OneDnn { get; init; } = OneDnnSetting.Auto;
    /// <summary>The settings that decide the results: plan.json's and results.json's <c>options</c>, compared on resume.</summary>
    public LandscapeSettings Settings => DataSettings.Of(new LandscapeSettings(), Source, Selection) with
    {
        Planes = Planes, Steps = Steps, Distance = Distance, IgnoreBiasAndBatchNorm = IgnoreBiasAndBatchNorm, Freeze = Freeze, FreezeNames = FreezeNames,
        LossCap = LossCap, EigenPair = EigenMaxMin ? "max,min" : $"{EigenFirst},{EigenSecond}", Operator = Operator, HessianRun = HessianRun,
        Checkpoints = Checkpoints, Trajectory = Trajectory, DirectionFile = DirectionFile, OptimizerState = OptimizerState, OneDnn = OneDnn,
    };

    private static string AxesNames(IEnumerable<AxesKind> axes) => string.Join(", ", axes.Select(a => a.Name()).Distinct());

    /// <summary>Checks the settings that need no files, before anything is loaded or written.</summary>
    public void Validate()
    {
        if (Planes.Count == 0) throw new LlaException("a landscape run needs at least one plane");
        Data.DataSpec.RequireSplit(Source.Data, Selection.Split);
        foreach (var plane in Planes)
        {
            if (plane.Mode == UpdateRule.AdamEq && plane.Axes != AxesKind.Adam)
                throw new LlaException($"{{mode}} adameq needs {{axes}} adam: the Adam update equation moves along m/(√v + ε), which only Adam moments define (got {plane.Axes.Name()} axes)");
            Grid.Create(Steps, Distance, plane.Mode, twoDimensional: true);
        }
        if (EigenFirst < 0 || EigenSecond < 0 || EigenFirst == EigenSecond)
            throw new LlaException($"{{eigen-pair}} must be two different indices like 0,1 (got '{EigenFirst},{EigenSecond}')");
        if (LossCap is double cap && !(cap > 0)) throw new LlaException($"{{loss-cap}} must be positive (got {cap})");
        var axes = Planes.Select(p => p.Axes).ToHashSet();
        if (axes.Contains(AxesKind.Checkpoints) && Checkpoints.Count == 0) throw new LlaException("{axes} checkpoints needs {checkpoints} FILE[,FILE]");
        foreach (var file in Checkpoints) Data.InputPaths.RequireFile(file, "checkpoint", "checkpoints");
        foreach (var file in Trajectory) Data.InputPaths.RequireFile(file, "trajectory checkpoint", "trajectory");
        if (DirectionFile is string directions) Data.InputPaths.RequireFile(directions, "directions file", "directions");
        if (OptimizerState is string state) Data.InputPaths.RequireFile(state, "optimizer state", "optimizer-state");
        if (axes.Contains(AxesKind.Pca) && Trajectory.Count < 2) throw new LlaException("{axes} pca needs {trajectory} with at least 2 checkpoints (a training with {save-every} N writes them)");
        if (HessianRun is not null && (EigenMaxMin || Operator != Curvature.CurvatureOperator.Hessian))
            throw new LlaException("{hessian-run} gives the eigenvectors that run saved: {eigen-pair} max,min and {operator} compute their own, so leave out {hessian-run}");
        if (HessianRun is string folder) Data.InputPaths.RequireFolder(folder, "Hessian run folder", "hessian-run");
        // A file or setting that only some axes read is refused with other axes, rather than silently ignored.
        bool hessianAxes = axes.Contains(AxesKind.Hessian);
        if (Checkpoints.Count > 0 && !axes.Contains(AxesKind.Checkpoints))
            throw new LlaException($"{{checkpoints}} is read only by {{axes}} checkpoints (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} checkpoints");
        if (Trajectory.Count > 0 && !axes.Contains(AxesKind.Pca))
            throw new LlaException($"{{trajectory}} is read only by {{axes}} pca (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} pca");
        if (DirectionFile is not null && !axes.Contains(AxesKind.File))
            throw new LlaException($"{{directions}} is read only by {{axes}} file (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} file");
        if (OptimizerState is not null && !axes.Contains(AxesKind.Adam))
            throw new LlaException($"{{optimizer-state}} is read only by {{axes}} adam (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} adam");
        if (!hessianAxes && HessianRun is not null)
            throw new LlaException($"{{hessian-run}} gives Hessian axes, but no plane here has them (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} hessian");
        if (!hessianAxes && (EigenMaxMin || EigenFirst != 0 || EigenSecond != 1))
            throw new LlaException($"{{eigen-pair}} chooses the Hessian axes, but no plane here has them (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} hessian");
        if (!hessianAxes && Operator != Curvature.CurvatureOperator.Hessian)
            throw new LlaException($"{{operator}} chooses the curvature of the Hessian axes, but no plane here has them (the axes here: {AxesNames(axes)}); leave it out or add {{axes}} hessian");
        if (Force && Resume) throw new LlaException("{force} replaces the run in {out} and {resume} continues it: give one of them");
        if (HessianRun is string run && !File.Exists(Path.Combine(run, Runs.EigenvectorFile.FileName)))
            throw new LlaException($"{{hessian-run}} {run} holds no {Runs.EigenvectorFile.FileName}");
        if (HessianRun is string withVectors) Data.InputPaths.RequireFile(Path.Combine(withVectors, Runs.EigenvectorFile.FileName), "eigenvector file", "hessian-run");
    }
}
