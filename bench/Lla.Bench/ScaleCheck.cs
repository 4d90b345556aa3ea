using Lla.Data;
using Lla.Curvature;
using Lla.Models;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// SLQ with full reorthogonalization on a ResNet-18-size model (torchvision's resnet18 with 1,000
/// classes: 11.7M parameters), BatchNorm in train mode, on a seeded batch of random images: time and
/// peak resident memory (the Lanczos basis is float32 rows of one preallocated matrix).
/// </summary>
internal static class ScaleCheck
{
    public static void Run(int steps, int batch, int size)
    {
        Lla.Vision.VisionModels.Register();
        manual_seed(18);
        var model = ModelZoo.Create(new ModelSpec("resnet18", new long[] { 3, size, size }, 1000));
        AnalysisMode.Set(model, BatchNormMode.Train);
        var generator = new Generator(18);
        var x = randn(new long[] { batch, 3, size, size }, generator: generator);
        var y = randint(0, 1000, new long[] { batch }, generator: generator);
        var objective = new Objective(model, LossFunctions.CrossEntropy, new[] { new Batch(x, y) });
        var parameters = ParameterSet.Of(model);
        var op = new HessianOperator(objective, parameters);
        var (rss0, _) = Timing.Memory();
        double hvp = Timing.Median(() => { using var s = NewDisposeScope(); op.Apply(randn(op.Dimension, generator: generator)); }, 3);
        SpectralDensityResult? esd = null;
        double seconds = Timing.Seconds(() => esd = SpectralDensity.Estimate(op, new SlqOptions { Runs = 1, Steps = steps, Seed = 1 }));
        var (_, peak) = Timing.Memory();
        double basis = (steps + 1.0) * op.Dimension * 4 / (1 << 20);
        Console.WriteLine($"ResNet-18 ({op.Dimension:N0} parameters), batch {batch} of 3×{size}×{size}, SLQ {steps} steps, full reorthogonalization: "
            + $"{seconds:F0} s ({seconds / steps:F2} s per step; one HVP alone {hvp:F2} s), peak RSS {peak / 1024:F2} GiB "
            + $"(RSS before SLQ {rss0 / 1024:F2} GiB; Lanczos basis {basis / 1024:F2} GiB), λ range [{esd!.Runs[0].Nodes.Min():G4}, {esd.Runs[0].Nodes.Max():G4}]");
    }
}
