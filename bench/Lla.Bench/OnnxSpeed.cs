using System.Diagnostics;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Onnx;
using Lla.Vectors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// One HVP through an imported ONNX graph against the same network built natively in TorchSharp, float32, eval mode,
/// the same weights and one fixed batch: LeNet (tests/fixtures/onnx/lenet.onnx against Lla's LeNet loaded from
/// lenet.pth) and, given its export, TorchVision's ResNet-18 (make_zoo.py's resnet18.opset17.onnx against
/// TorchSharp's torchvision resnet18 with the ONNX module's tensors copied in by name). The two HVPs alternate so
/// that the machine's load falls on both alike; the ratio is of the medians.
/// </summary>
internal static class OnnxSpeed
{
    public static void Run(string root, int repeats, string resnet18)
    {
        Console.WriteLine("\n## ONNX import vs native TorchSharp: one HVP, float32, eval mode, same weights");
        Console.WriteLine("| network | batch | native HVP | ONNX HVP | ratio | vᵀHv difference (relative) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var images = IdxDataset.Load(Path.Combine(root, "data", "fashion-mnist-subset"), Split.Train).Batches(256, 1, false, 0)[0];
        using (var native = new LeNet())
        using (var onnx = OnnxModel.Load(Path.Combine(root, "tests", "fixtures", "onnx", "lenet.onnx")))
        {
            WeightsLoader.Load(native, Path.Combine(root, "tests", "fixtures", "onnx", "lenet.pth"));
            Compare("LeNet", native, onnx, images, repeats);
        }
        if (resnet18.Length == 0)
        {
            Console.WriteLine("| ResNet-18 | | | | | not run: give --onnx-resnet18 FILE (make_zoo.py --export-only --only resnet18) |");
            return;
        }
        using (var onnx = OnnxModel.Load(resnet18))
        using (var native = TorchSharp.torchvision.models.resnet18(num_classes: 10))
        {
            CopyByName(onnx, native);
            var generator = new Generator(3);
            var batch = new Batch(randn(new long[] { 32, 3, 32, 32 }, generator: generator), randint(10, new long[] { 32 }, generator: generator));
            Compare("ResNet-18", native, onnx, batch, repeats);
        }
    }

    private static void CopyByName(nn.Module from, nn.Module to)
    {
        var source = from.state_dict();
        using var _ = no_grad();
        foreach (var (name, target) in to.state_dict())
        {
            if (name.EndsWith("num_batches_tracked")) continue;
            if (!source.TryGetValue(name, out var value)) throw new InvalidOperationException($"the ONNX ResNet-18 has no tensor {name}");
            target.copy_(value);
        }
    }

    private static void Compare(string network, nn.Module<Tensor, Tensor> native, nn.Module<Tensor, Tensor> onnx, Batch batch, int repeats)
    {
        native.eval();
        onnx.eval();
        var a = new HessianOperator(new Objective(native, LossFunctions.CrossEntropy, new[] { batch }), ParameterSet.Of(native));
        var b = new HessianOperator(new Objective(onnx, LossFunctions.CrossEntropy, new[] { batch }), ParameterSet.Of(onnx));
        if (a.Dimension != b.Dimension) throw new InvalidOperationException($"{network}: {a.Dimension} native parameters, {b.Dimension} ONNX");
        // One random tensor per parameter name, laid out in each module's own parameter order: the same direction in both.
        var generator = new Generator(1);
        var pieces = native.named_parameters().ToDictionary(p => p.name, p => randn(p.parameter.shape, generator: generator));
        Tensor Direction(nn.Module m) => cat(m.named_parameters().Select(p => pieces[p.name].flatten()).ToList());
        using var va = Direction(native);
        using var vb = Direction(onnx);
        double difference;
        using (NewDisposeScope())
        {
            double qa = a.Apply(va).dot(va).ToDouble(), qb = b.Apply(vb).dot(vb).ToDouble();
            difference = Math.Abs(qa - qb) / Math.Abs(qa);
        }
        var native_ = new List<double>();
        var imported = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            native_.Add(Timing.HvpSeconds(a, va));
            imported.Add(Timing.HvpSeconds(b, vb));
        }
        double tn = Timing.Median(native_), to = Timing.Median(imported);
        Console.WriteLine($"| {network} | {batch.Count} | {tn * 1e3:F1} ms | {to * 1e3:F1} ms | **{to / tn:F2}×** | {difference:E1} |");
    }
}
