using Lla.Curvature;
using Lla.Landscapes;
using Lla.Objectives;
using Lla.Runs;

namespace Lla.Connectivity;

/// <summary>
/// The plane through model A, model B and the trained bend θ_C, evaluated by the landscape machinery of
/// `lla landscape --axes checkpoints` (a landscape run in the sub-folder plane/): θ_A + α(θ_B − θ_A) + β(θ_C − θ_A),
/// directions not normalized, so A sits at (0, 0), B at (1, 0) and the bend at (0, 1). The curve lies in this plane
/// exactly: Bezier φ(t) − θ_A = t²(θ_B − θ_A) + 2t(1 − t)(θ_C − θ_A), i.e. (α, β) = (t², 2t(1 − t)); the chain runs
/// (0, 0) → (0, 1) → (1, 0); the linear path is the α axis. The grid spans [−1.25, 1.25] on both axes
/// (distance 2.5), so with steps a multiple of 10 the points A, B and the bend are grid points. The loss is taken on
/// the first <see cref="Samples"/> training samples (one batch); BatchNorm normalizes with batch statistics, or with
/// A's running statistics under <see cref="PathBatchNorm.Eval"/>.
/// </summary>
public static class ConnectPlane
{
    public const string Folder = "plane";
    public const double Distance = 2.5;
    public const int Samples = 2048;
    /// <summary>The SHA-256 of A, B and the bend whose plane plane/ holds (in the run folder): a resumed plane must be through the same three models.</summary>
    public const string ModelsFile = "plane.models-sha256";

    /// <summary>
    /// Evaluates the plane in OutDir/plane/. A resumed connect run (<see cref="ConnectRunOptions.Resume"/>) whose
    /// plane was interrupted keeps every finished point (the landscape point log) when the plane was asked with the
    /// same settings on the same three models (A, B and the bend, compared by their files' SHA-256); any other plane
    /// folder is from another run and is drawn again.
    /// </summary>
    public static LandscapeRecord Evaluate(ConnectRunOptions o, string bFile, string bendFile, PathMethod method,
        Action<AnalysisProgress>? progress, CancellationToken cancel, Action<string>? say = null)
    {
        string dir = Path.Combine(o.OutDir, Folder);
        var bn = o.BatchNorm == PathBatchNorm.Eval ? BatchNormMode.Eval : BatchNormMode.Train;
        var options = new LandscapeRunOptions
        {
            Source = o.Source,
            Selection = new DataSelection(Data.Split.Train, Samples, 1, false, bn) { MicroBatch = o.MicroBatch },
            Planes = new[] { new PlaneSpec(AxesKind.Checkpoints, NormKind.None, 2, UpdateRule.Add, o.Source.Seed) },
            OutDir = dir,
            Steps = o.PlaneSteps,
            Distance = Distance,
            Checkpoints = new[] { bFile, bendFile },
        };
        string models = string.Join(",", new[] { o.Source.Weights ?? o.Source.Model, bFile, bendFile }.Select(f => File.Exists(f) ? Sha256(f) : f));
        string modelsFile = Path.Combine(o.OutDir, ModelsFile);
        bool resume = o.Resume && LandscapePlan.Read(dir) is { } planned && SettingsDifference.Between(options.Settings, planned) is null
                      && File.Exists(modelsFile) && File.ReadAllText(modelsFile) == models;
        if (resume) say?.Invoke("resuming the interrupted plane through A, B and the bend (finished points are kept)");
        else
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); // another run's plane, or one interrupted before its plan
            RunFolder.WriteAtomically(modelsFile, tmp => File.WriteAllText(tmp, models));
        }
        var plane = LandscapeRun.Execute(options with { Resume = resume }, progress, cancel: cancel).Landscapes[0];
        var t = Enumerable.Range(0, 41).Select(i => i / 40.0).ToArray();
        var points = t.Select(x => Coordinates(method, x)).ToArray();
        return plane with
        {
            Label = $"plane through A (0, 0), B (1, 0) and the bend (0, 1), with the {method.Name()} curve",
            DirectionsFile = plane.DirectionsFile is string f ? Path.Combine(Folder, f) : null,
            Path = new PathRecord(t.Select(x => $"t = {x:0.###}").ToArray(), points.Select(p => p.Alpha).ToArray(), points.Select(p => p.Beta).ToArray()),
        };
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>The point of the path at t in the plane's coordinates (α along θ_B − θ_A, β along θ_C − θ_A).</summary>
    public static (double Alpha, double Beta) Coordinates(PathMethod method, double t) => method switch
    {
        PathMethod.Bezier => (t * t, 2 * t * (1 - t)),
        PathMethod.Chain => t < 0.5 ? (0, 2 * t) : (2 * t - 1, 2 - 2 * t),
        PathMethod.Linear => (t, 0),
    };
}
