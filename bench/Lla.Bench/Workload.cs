using Lla.Data;
using Lla.Models;
using Lla.Objectives;
using Lla.Vectors;
using static TorchSharp.torch;

namespace Lla.Bench;

/// <summary>
/// A model, its weights (also written to a file the PyTorch baseline reads) and one batch of the
/// first N Fashion-MNIST training images (the embedded subset starts with them), with the
/// objective and parameters the Hessian work uses.
/// </summary>
internal sealed class Workload
{
    public required string Name { get; init; }
    public required nn.Module<Tensor, Tensor> Model { get; init; }
    public required Batch Batch { get; init; }
    public required Objective Objective { get; init; }
    public required ParameterSet Parameters { get; init; }
    public required string WeightsFile { get; init; }
    public required string DataFolder { get; init; }
    public required bool BatchNorm { get; init; }

    public static Workload Create(string name, string root, int batchSize)
    {
        string data = Path.Combine(root, "data", "fashion-mnist-subset");
        var set = IdxDataset.Load(data, Split.Train);
        var batch = set.Batches(batchSize, 1, false, 0)[0];
        nn.Module<Tensor, Tensor> model;
        string weights;
        if (name == "lenet")
        {
            model = new LeNet();
            weights = Path.Combine(root, "data", "lenet-fashion-mnist-subset.bin");
            WeightsLoader.Load(model, weights);
            model.eval();
        }
        else if (name == "resnet20")
        {
            manual_seed(20);
            model = new ResNet20(1, 10);
            weights = Path.Combine(Path.GetTempPath(), $"lla-bench-resnet20-{Environment.ProcessId}.bin");
            TensorFile.Write(weights, model.state_dict());
            AnalysisMode.Set(model, BatchNormMode.Train); // batch statistics, as the seed library analyses BatchNorm models
        }
        else throw new ArgumentException($"unknown workload {name} (lenet, resnet20)");
        return new Workload
        {
            Name = name, Model = model, Batch = batch, Objective = new Objective(model, LossFunctions.CrossEntropy, new[] { batch }),
            Parameters = ParameterSet.Of(model), WeightsFile = weights, DataFolder = data, BatchNorm = name == "resnet20",
        };
    }
}
