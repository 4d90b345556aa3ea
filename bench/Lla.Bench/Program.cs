using System.Globalization;
using System.Text.Json.Nodes;
using Lla.Bench;
using Lla.Curvature;
using Lla.Native;
using TorchSharp;

// A Stopwatch harness (not a timed test), every number of one report measured in this one run:
//   dotnet run -c Release --project bench/Lla.Bench -- [--threads N] [--repeats R] [--workloads lenet,resnet20]
//       [--no-baseline] [--memory] [--scale] [--profile] [--operators [--operators-only]]
//   dotnet run -c Release --project bench/Lla.Bench -- --gpt [--gpt-spec gpt:…] [--batch 8] [--profile] [--gpt-baselines shipped,tuned,openblas --openblas DIR] [--keep-freed-memory | --return-freed-memory]   (one HVP: GPT vs PyTorch 1.13)
//   dotnet run -c Release --project bench/Lla.Bench -- --onnx [--onnx-resnet18 FILE]   (one HVP: imported ONNX vs native)
//   dotnet run -c Release --project bench/Lla.Bench -- --guard MODEL:WEIGHTS[:eval],... [--batch B]   (the numeric guard's error model)
// Items per workload: (1) a bare forward pass, (2) one HVP, (3) a 20×20 filter-normalized landscape,
// (4) top-2 eigenvalues, (5) the trace, (6) a 100-step SLQ; the same work by the plain-PyTorch
// baseline (bench/baseline/pytorch_baseline.py) as its users run it and with lla's process settings.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int threads = Arg("--threads", 2), repeats = Arg("--repeats", 10);
var workloads = ArgText("--workloads", "lenet,resnet20").Split(',');
bool baseline = !args.Contains("--no-baseline");
RuntimeSetup.SetPassiveOpenMpWait();
bool heap = RuntimeSetup.KeepFreedMemory();
RuntimeSetup.DisableNnpack();
torch.set_num_threads(threads);
string root = FindRoot();
Console.WriteLine($"lla bench: {threads} thread(s), repeats {repeats}, malloc tuned: {heap}, oneDNN: {TorchContext.OneDnn}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

if (args.Contains("--gpt"))
{
    GptSpeed.Run(root, ArgText("--gpt-spec", GptSpeed.DefaultSpec), Arg("--batch", 8), threads, repeats, args.Contains("--profile"),
        ArgText("--gpt-baselines", "shipped,tuned").Split(',', StringSplitOptions.RemoveEmptyEntries), ArgText("--openblas", ""), args.Contains("--keep-freed-memory"), args.Contains("--return-freed-memory"));
    return;
}

if (args.Contains("--onnx"))
{
    OnnxSpeed.Run(root, repeats, ArgText("--onnx-resnet18", ""));
    return;
}

if (ArgText("--guard", "") is { Length: > 0 } guarded)
{
    GuardFloor.Run(root, guarded, Arg("--batch", 256));
    return;
}

foreach (var name in workloads)
{
    bool lenet = name == "lenet";
    var w = Workload.Create(name, root, lenet ? 2048 : 256);
    var op = new HessianOperator(w.Objective, w.Parameters);
    string items = lenet ? "forward,hvp,landscape,eigen,trace,slq" : "forward,hvp,landscape,eigen";
    Console.WriteLine($"\n## {name}: {op.Dimension:N0} parameters, batch {w.Batch.Count}{(w.BatchNorm ? ", BatchNorm in train mode" : "")}; items {items}");
    var ours = new Dictionary<string, Item>();
    double forward = OurItems.Forward(w, repeats);
    ours["forward"] = new("forward", forward, 0, "");
    double hvp = OurItems.Hvp(op, repeats);
    if (args.Contains("--profile")) HvpProfile.Run(w, repeats);
    if (args.Contains("--operators")) { OperatorCost.Run(w, repeats); if (args.Contains("--operators-only")) continue; }
    ours["hvp"] = new("hvp", hvp, 1, $"{hvp / forward:F2}× forward");
    var (perPoint, total, bare) = OurItems.Landscape(w, repeats);
    ours["landscape"] = new("landscape", perPoint * 441, 0, $"{perPoint * 1e3:F1} ms per point (median; whole plane {total:F1} s) = {perPoint / bare:F2}× a bare forward measured beside it");

    var reference = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Tolerance = 1e-8, Seed = 7 });
    string Errors(double[] values) => $"relative errors {OurItems.RelativeError(values[0], reference.Values[0]):E1}, {OurItems.RelativeError(values[1], reference.Values[1]):E1}";
    EigenResult lanczos = null!, power = null!;
    double tl = Timing.Seconds(() => lanczos = Lanczos.TopEigenpairs(op, new LanczosOptions { K = 2, Seed = 1 }));
    double tp = Timing.Seconds(() => power = PowerIteration.TopEigenpairs(op, new PowerIterationOptions { K = 2, Seed = 1 }));
    Console.WriteLine($"reference top-2 (Lanczos, tol 1e-8): {reference.Values[0]:F5}, {reference.Values[1]:F5}, residuals {reference.Residuals[0]:E1}, {reference.Residuals[1]:E1}, {reference.OperatorApplications} HVPs");
    ours["eigen"] = new("eigen", tl, lanczos.OperatorApplications, $"Lanczos tol 1e-4: {Errors(lanczos.Values)}, residuals {lanczos.Residuals[0]:E1}, {lanczos.Residuals[1]:E1}");
    Console.WriteLine($"  power iteration as the seed library (tol 1e-3) in lla: {tp:F2} s, {power.OperatorApplications} HVPs, {Errors(power.Values)}");

    double traceReference = double.NaN;
    if (items.Contains("trace"))
    {
        TraceResult tight = null!;
        double tt = Timing.Seconds(() => tight = HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 600, Seed = 99 }));
        traceReference = tight.Trace;
        Console.WriteLine($"reference trace (Hutch++, 600 HVPs, {tt:F0} s): {tight.Trace:F3} ± {tight.StandardError:F3} (relative standard error {tight.StandardError / tight.Trace:E1})");
        var plus = Enumerable.Range(1, 3).Select(s => { TraceResult r = null!; double t = Timing.Seconds(() => r = HutchPlusPlus.Estimate(op, new HutchPlusPlusOptions { Applications = 30, Seed = s })); return (r, t); }).ToList();
        var plain = Enumerable.Range(1, 3).Select(s => { TraceResult r = null!; double t = Timing.Seconds(() => r = Hutchinson.Estimate(op, new HutchinsonOptions { Seed = s })); return (r, t); }).ToList();
        double Err(IEnumerable<(TraceResult r, double t)> runs) => runs.Average(x => OurItems.RelativeError(x.r.Trace, traceReference));
        ours["trace"] = new("trace", plus.Average(x => x.t), 30, $"Hutch++ 30 HVPs: mean relative error {Err(plus):E1} over 3 seeds");
        Console.WriteLine($"  Hutchinson as the seed library (tol 1e-3) in lla: mean {plain.Average(x => x.r.OperatorApplications):F0} HVPs, {plain.Average(x => x.t):F1} s, mean relative error {Err(plain):E1} over 3 seeds");
    }
    if (items.Contains("slq"))
    {
        SpectralDensityResult esd = null!;
        double ts = Timing.Seconds(() => esd = SpectralDensity.Estimate(op, new SlqOptions { Runs = 1, Steps = 100, Seed = 3 }));
        var nodes = esd.Runs[0].Nodes;
        ours["slq"] = new("slq", ts, esd.OperatorApplications, $"{ts / (esd.OperatorApplications * hvp):F3}× its HVPs' time; λ [{nodes.Min():G4}, {nodes.Max():G4}]");
    }

    var shipped = baseline ? PyTorchBaseline.Run(root, w, threads, repeats, items, tuned: false) : null;
    var tuned = baseline ? PyTorchBaseline.Run(root, w, threads, repeats, items, tuned: true) : null;
    Console.WriteLine($"\n| item | lla | HVPs | accuracy / notes | PyTorch as shipped | ratio | PyTorch, same process settings | ratio |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var item in items.Split(','))
    {
        var o = ours[item];
        Console.WriteLine($"| {item} | {Time(o.Seconds)} | {(o.Hvps > 0 ? o.Hvps : "")} | {o.Detail} | {Cell(shipped, item, o)} | {Cell(tuned, item, o)} |");
    }
    string Cell(JsonNode? run, string item, Item o)
    {
        var node = run?["items"]?[item];
        if (node is null) return "n/a | n/a";
        double s = node["seconds"]!.GetValue<double>();
        long hvps = node["hvps"]!.GetValue<long>();
        string extra = item switch
        {
            "eigen" => $"; power iteration: {hvps} HVPs, " + Errors(node["values"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray()),
            "trace" => $"; Hutchinson: {hvps} HVPs, relative error {OurItems.RelativeError(node["value"]!.GetValue<double>(), traceReference):E1}",
            "slq" => $"; {hvps} HVPs",
            _ => "",
        };
        return $"{Time(s)}{extra} | **{o.Seconds / s:F2}×**";
    }
    if (args.Contains("--memory"))
    {
        var small = Workload.Create(name, root, 64);
        MemoryChecks.Hvps(small, lenet ? 10_000 : 500);
        MemoryChecks.Landscape(w);
    }
}
if (args.Contains("--scale")) ScaleCheck.Run(steps: Arg("--scale-steps", 100), batch: 8, size: 64);

static string Time(double seconds) => seconds < 1 ? $"{seconds * 1e3:F1} ms" : $"{seconds:F2} s";

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

string ArgText(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lla.slnx"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository");
}
