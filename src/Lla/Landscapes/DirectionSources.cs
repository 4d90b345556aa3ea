using Lla.Guard;
using Lla.Curvature;
using Lla.Objectives;
using Lla.Runs;
using Lla.Vectors;

namespace Lla.Landscapes;

/// <summary>
/// The raw directions of a landscape run's planes, made once per kind of axes (and per seed for
/// random axes) and shared by the planes that use them: random, Adam moments, Hessian eigenvectors
/// (computed behind the numeric guard, or read from a Hessian run), checkpoints, PCA, a file.
/// </summary>
internal sealed class DirectionSources(LandscapeRunOptions o, AnalysisSession session, ParameterSet parameters, ParameterVector theta, RunFolder? folder) : IDisposable
{
    private readonly Dictionary<(AxesKind Axes, long Seed), DirectionPair> _made = new();
    private List<ParameterVector>? _trajectory;

    /// <summary>The numeric guard's decision, when Hessian axes were computed here.</summary>
    public OneDnnDecision? Guard { get; private set; }

    public DirectionPair Raw(PlaneSpec spec)
    {
        long seed = spec.Axes.IsRandom() ? spec.Seed : 0;
        if (_made.TryGetValue((spec.Axes, seed), out var known)) return known;
        var made = (spec.Axes switch
        {
            AxesKind.Random => Directions.Random(parameters.Layout, parameters.DType, spec.Seed),
            AxesKind.RandomUniform => Directions.Random(parameters.Layout, parameters.DType, spec.Seed, uniform: true),
            AxesKind.Adam => Directions.Adam(o.OptimizerState ?? o.Source.Weights
                ?? throw new LlaException("{axes} adam needs a checkpoint written by a training with {optimizer} adam or adamw ({weights} or {optimizer-state})"),
                parameters.Layout, parameters.DType),
            AxesKind.Hessian => HessianAxes(),
            AxesKind.Checkpoints => Directions.Towards(theta, o.Checkpoints.Select(LoadOther).ToList()),
            AxesKind.Pca => TrajectoryPca.Fit(theta, Trajectory()).Directions,
            AxesKind.File => Directions.FromFile(o.DirectionFile ?? throw new LlaException("{axes} file needs {directions} FILE"), parameters.Layout, parameters.DType),
        }).On(parameters.Device);
        _made[(spec.Axes, seed)] = made;
        return made;
    }

    public List<ParameterVector> Trajectory() => _trajectory ??= o.Trajectory.Select(LoadOther).ToList();

    private DirectionPair HessianAxes()
    {
        if (o.HessianRun is not null)
            return Directions.Hessian(Path.Combine(o.HessianRun, EigenvectorFile.FileName), parameters.Layout, parameters.DType, o.EigenFirst, o.EigenSecond);
        // Compute the eigenvectors here, on the same data, behind the numeric guard.
        var decision = session.DecideOneDnn(o.OneDnn, GuardProbe.Analysis(o.Operator));
        EigenResult eigen;
        using (decision.Scope())
        {
            // --operator: the axes may be another curvature's eigenvectors (e.g. the GGN's).
            var op = CurvatureOperators.Create(o.Operator, session.Objective, parameters);
            eigen = o.EigenMaxMin
                ? ExtremeEigenpairs.MaxMin(op, new LanczosOptions { Seed = o.Source.Seed })
                : Lanczos.TopEigenpairs(op, new LanczosOptions { K = Math.Max(o.EigenFirst, o.EigenSecond) + 1, Seed = o.Source.Seed });
            Guard = session.PostCheck(decision, GuardProbe.Analysis(o.Operator), "the Hessian axes' eigenvectors");
        }
        string file = folder!.File(EigenvectorFile.FileName);
        EigenvectorFile.Write(file, eigen, parameters.Layout);
        if (o.EigenMaxMin)
        {
            // eigenvectors.bin holds [max, min]: the plane's facts name the pair by what it is.
            var extremes = Directions.Hessian(file, parameters.Layout, parameters.DType, 0, 1);
            return extremes with
            {
                Facts = new Dictionary<string, double>
                {
                    ["eigenvalue_max"] = eigen.Pairs[0].Value, ["eigenvalue_min"] = eigen.Pairs[1].Value,
                    ["residual_max"] = eigen.Pairs[0].Residual, ["residual_min"] = eigen.Pairs[1].Residual, ["hvps"] = eigen.OperatorApplications,
                },
            };
        }
        var pair = Directions.Hessian(file, parameters.Layout, parameters.DType, o.EigenFirst, o.EigenSecond);
        var facts = new Dictionary<string, double>(pair.Facts)
        {
            ["residual_1"] = eigen.Pairs[o.EigenFirst].Residual,
            ["residual_2"] = eigen.Pairs[o.EigenSecond].Residual,
            ["hvps"] = eigen.OperatorApplications,
        };
        return pair with { Facts = facts };
    }

    private ParameterVector LoadOther(string path)
    {
        var model = (o.Source with { Weights = path }).Build(session.Data);
        return new ParameterVector(ParameterSet.Of(model).Flatten(), parameters.Layout);
    }

    public void Dispose()
    {
        foreach (var p in _made.Values) p.Dispose();
        foreach (var t in _trajectory ?? new List<ParameterVector>()) t.Dispose();
    }
}
