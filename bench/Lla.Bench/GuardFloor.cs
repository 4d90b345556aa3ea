using Lla.Guard;
using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// `--guard MODEL:WEIGHTS[:BN],...`: the numeric guard's error model, measured. For each model, each probe
/// (an analysis's Hessian-vector products, a training's gradient) and oneDNN on and off: the guard on a
/// 256-sample batch of the embedded data, with its worst ratio of error to measured floor, the
/// 99th percentile and median of all entries' ratios, the entry at the worst, and the seconds it took.
/// BN: train (batch statistics, as analyses and trainings use) or eval. docs/numeric-guard.md holds the results.
/// </summary>
internal static class GuardFloor
{
    public static void Run(string root, string models, int batchSize)
    {
        string data = "idx:" + Path.Combine(root, "data", "fashion-mnist-subset");
        Console.WriteLine($"\n## numeric guard: ratio of float32-vs-float64 error to the measured rounding floor ({NumericGuard.DefaultRepeats} evaluations, batch {batchSize}, factor {RoundingFloor.Factor:G} allowed)\n");
        Console.WriteLine("| model | probe | oneDNN | passed | worst ratio | 99th pct | median | worst entry | worst error | floor there | whole: floor, ratio | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var spec in models.Split(','))
        {
            var parts = spec.Split(':');
            var mode = parts.Length > 2 && parts[2] == "eval" ? BatchNormMode.Eval : BatchNormMode.Train;
            var source = new ModelSource(parts[0], parts[1], data, ScalarType.Float32, 42);
            using var train = source.LoadData(Split.Train);
            var model = source.Build(train);
            AnalysisMode.Set(model, mode);
            using var batch = train.Batches(batchSize, 1, false, 0)[0];
            foreach (var probe in new[] { GuardProbe.Analysis(), GuardProbe.Training })
                foreach (bool oneDnn in new[] { true, false })
                {
                    using var scope = TorchContext.OneDnnScope(oneDnn);
                    using var twin = source.Float64Twin(model, train, mode)();
                    var clock = Stopwatch.StartNew();
                    var report = NumericGuard.Check(model, twin, source.LossFunction, batch, probe);
                    double seconds = clock.Elapsed.TotalSeconds;
                    var ratios = report.Entries.Select(e => e.Errors.Max() / Math.Max(RoundingFloor.Median(e.Disagreements), report.Verdict.LowerBound)).Order().ToArray();
                    var v = report.Verdict;
                    var whole = report.Entries[^1];
                    double wholeFloor = Math.Max(RoundingFloor.Median(whole.Disagreements), v.LowerBound);
                    Console.WriteLine($"| {parts[0]} ({Path.GetFileName(parts[1])}, BN {mode.ToString().ToLowerInvariant()}) | {probe.Use.ToString().ToLowerInvariant()} | {(oneDnn ? "on" : "off")} | {report.Passed} | " +
                        $"{v.WorstRatio:F2} | {ratios[(int)(0.99 * (ratios.Length - 1))]:F2} | {ratios[ratios.Length / 2]:F2} | {v.WorstEntry} | {v.WorstError:G3} | {v.Floor:G3} | {wholeFloor:G3}, {whole.Errors.Max() / wholeFloor:F2} | {seconds:F1} |");
                }
        }
    }
}
