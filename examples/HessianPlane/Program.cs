// A loss landscape along the top two Hessian eigenvectors, filter-L2 normalized, that resumes
// after an interruption. Usage: HessianPlane OUT_DIR [STOP_AFTER_POINTS]. Run it once with a
// stop, then again without: the second run keeps every finished point and computes the rest.
using Lla.Data;
using Lla.Landscapes;
using Lla.Models;
using Lla.Objectives;

string outDir = args[0];
int stopAfter = args.Length > 1 ? int.Parse(args[1]) : int.MaxValue;
var options = new LandscapeRunOptions
{
    Source = ModelSource.Resolve(model: null, weights: null, data: null, dtype: "float32", seed: 42), // the embedded LeNet
    Selection = new DataSelection(Split.Train, BatchSize: 256, MaxBatches: 1, Shuffle: false, BatchNormMode.Train),
    Planes = new[] { new PlaneSpec(AxesKind.Hessian, NormKind.Filter, Order: 2, UpdateRule.Add, Seed: 42) },
    Steps = 8,
    Distance = 1.0,
    OutDir = outDir,
    Resume = File.Exists(Path.Combine(outDir, "plan.json")),
};
using var stop = new CancellationTokenSource();
try
{
    var results = LandscapeRun.Execute(options, p => { if (p.Done >= stopAfter) stop.Cancel(); }, cancel: stop.Token);
    var plane = results.Landscapes[0];
    Console.WriteLine($"plane done: {plane.PointsComputed} points computed, {plane.PointsResumed} resumed; centre loss {plane.Loss[4][4]:R}");
}
catch (OperationCanceledException)
{
    Console.WriteLine($"interrupted after {stopAfter} points; run again to finish");
}
