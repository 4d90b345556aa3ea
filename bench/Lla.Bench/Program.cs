using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Landscapes;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using Lla.Vectors;
using TorchSharp;
using static TorchSharp.torch;

// A Stopwatch harness (not a timed test): the embedded LeNet on the first 2,048 Fashion-MNIST
// training images (the embedded subset starts with them). Times are medians over repeats, all
// measured in this one run, so their ratios are comparable.
//   dotnet run -c Release --project bench/Lla.Bench -- [--threads N] [--repeats R]
int threads = Arg("--threads", 2), repeats = Arg("--repeats", 10);
RuntimeSetup.SetPassiveOpenMpWait();
bool heap = RuntimeSetup.KeepFreedMemory();
RuntimeSetup.DisableNnpack();
torch.set_num_threads(threads);
string root = FindRoot();
using var data = IdxDataset.Load(Path.Combine(root, "data", "fashion-mnist-subset"), Split.Train);
var batches = data.Batches(2048, 1, false, 0);
var model = new LeNet();
WeightsLoader.Load(model, Path.Combine(root, "data", "lenet-fashion-mnist-subset.bin"));
model.eval();
var objective = new Objective(model, LossFunctions.CrossEntropy, batches);
var parameters = ParameterSet.Of(model);
var op = new HessianOperator(objective, parameters);
var v = randn(op.Dimension, generator: new Generator(1));

Console.WriteLine($"LeNet ({op.Dimension:N0} parameters), batch 2048, {threads} thread(s), malloc tuned: {heap}, oneDNN: {TorchContext.OneDnn}, repeats {repeats}");
double forward = Median(() => { using var _ = no_grad(); using var s = NewDisposeScope(); model.forward(batches[0].Inputs); });
double gradient = Median(() => { using var s = NewDisposeScope(); op.Gradient(); });
double hvp = Median(() => { using var s = NewDisposeScope(); op.Apply(v); });
Console.WriteLine($"forward  {forward * 1e3,8:F1} ms   1.00x forward");
Console.WriteLine($"gradient {gradient * 1e3,8:F1} ms   {gradient / forward:F2}x forward");
Console.WriteLine($"HVP      {hvp * 1e3,8:F1} ms   {hvp / forward:F2}x forward");

// A 20×20-interval filter-normalized random plane (441 points) on the same batch: time per point over a bare forward pass.
{
    using var theta = new ParameterVector(parameters.Flatten(), parameters.Layout);
    var pair = Directions.Random(parameters.Layout, parameters.DType, seed: 1);
    var d1 = Normalization.Apply(pair.D1, theta, NormKind.Filter, 2);
    var d2 = Normalization.Apply(pair.D2!, theta, NormKind.Filter, 2);
    var grid = Grid.Create(20, 1, UpdateRule.Add, twoDimensional: true);
    SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, Grid.Create(2, 1, UpdateRule.Add, true)); // warm-up
    double bare = Median(() => { using var _ = no_grad(); using var s = NewDisposeScope(); model.forward(batches[0].Inputs); });
    // Per-point durations from the progress callback; medians on both sides keep scheduler noise out.
    var stamps = new List<double> { 0 };
    var clock = Stopwatch.StartNew();
    SurfaceEvaluator.Evaluate(objective, parameters, d1, d2, grid, progress: (_, _) => stamps.Add(clock.Elapsed.TotalSeconds));
    var durations = stamps.Zip(stamps.Skip(1), (a, b) => b - a).OrderBy(x => x).ToList();
    double perPoint = durations[durations.Count / 2], mean = clock.Elapsed.TotalSeconds / grid.PointCount;
    double bareAfter = Median(() => { using var _ = no_grad(); using var s = NewDisposeScope(); model.forward(batches[0].Inputs); });
    double bareMean = (bare + bareAfter) / 2;
    Console.WriteLine($"landscape {perPoint * 1e3,5:F1} ms per point, median of {grid.PointCount} (mean {mean * 1e3:F1})   {perPoint / bareMean:F2}x a bare forward ({bare * 1e3:F1} ms before, {bareAfter * 1e3:F1} ms after)");
}

// Accuracy per cost: top-2 eigenvalues against a tight float32 reference (Lanczos, tol 1e-8).
var reference = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Tolerance = 1e-8, Seed = 7 });
var lanczos = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Seed = 1 });
var power = PowerIteration.TopEigenpairs(op, new PowerIterationOptions { K = 2, Seed = 1 });
Console.WriteLine($"reference top-2 {reference.Values[0]:F5}, {reference.Values[1]:F5} (residuals {reference.Residuals[0]:E1}, {reference.Residuals[1]:E1}, {reference.OperatorApplications} HVPs)");
Report("lanczos (tol 1e-4)", lanczos);
Report("power (seed rule, tol 1e-3)", power);

void Report(string name, EigenResult r)
{
    double e0 = Math.Abs(r.Values[0] - reference.Values[0]) / Math.Abs(reference.Values[0]);
    double e1 = Math.Abs(r.Values[1] - reference.Values[1]) / Math.Abs(reference.Values[1]);
    Console.WriteLine($"{name,-28} λ = {r.Values[0]:F5}, {r.Values[1]:F5}; relative errors {e0:E1}, {e1:E1}; residuals {r.Residuals[0]:E1}, {r.Residuals[1]:E1}; {r.OperatorApplications} HVPs");
}

double Median(Action action)
{
    action(); // warm-up
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        action();
        times.Add(clock.Elapsed.TotalSeconds);
    }
    times.Sort();
    return times[times.Count / 2];
}

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lla.slnx"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}
