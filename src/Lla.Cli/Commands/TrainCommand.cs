using System.CommandLine;
using System.Text.Json.Nodes;
using Lla.Cli.Pipeline;
using Lla.Curvature;
using Lla.Data;
using Lla.Models;
using Lla.Native;
using Lla.Objectives;
using Lla.Runs;
using Lla.Training;
using static Lla.Runs.JsonValues;

namespace Lla.Cli.Commands;

/// <summary>
/// `lla train`: trains a model and saves it with its optimizer state (one TorchSharp-format file:
/// the model's state dict plus "optimizer.*" entries) and a JSON record beside it (FILE.json).
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train a model and save its weights and optimizer state");
        var shared = new SharedOptions();
        var epochs = new Option<int>("--epochs") { Description = "passes over the training split", DefaultValueFactory = _ => 10 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam | sgd", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1e-3 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0.0 };
        var batchSize = new Option<int>("--batch-size") { Description = "samples per step", DefaultValueFactory = _ => 64 };
        var save = new Option<string>("--save") { Description = "where to save the model and optimizer state (FILE and FILE.json)", Required = true };
        shared.AddTo(command);
        foreach (var o in new Option[] { epochs, optimizer, lr, momentum, weightDecay, batchSize, save }) command.Options.Add(o);

        command.SetAction(p => CommandAction.Run(() =>
        {
            string? weights = p.GetValue(shared.Weights) ?? ModelSource.RandomWeights; // training starts from a seeded init unless told
            var source = ModelSource.Resolve(p.GetValue(shared.Model), weights, p.GetValue(shared.Data), p.GetValue(shared.DType)!, p.GetValue(shared.Seed));
            var options = new TrainOptions
            {
                Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batchSize), Optimizer = p.GetValue(optimizer)!,
                LearningRate = p.GetValue(lr), Momentum = p.GetValue(momentum), WeightDecay = p.GetValue(weightDecay), Seed = source.Seed,
            };
            string path = p.GetValue(save)!;
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder)) throw new LlaException($"--save: folder {folder} does not exist");
            if (options.Optimizer is not ("adam" or "sgd")) throw new LlaException($"unknown optimizer '{options.Optimizer}' (known: adam, sgd)");
            if (options.BatchSize < 1) throw new LlaException($"--batch-size must be at least 1 (got {options.BatchSize})");
            if (options.Epochs < 1) throw new LlaException($"--epochs must be at least 1 (got {options.Epochs})");
            if (!(options.LearningRate > 0)) throw new LlaException($"--lr must be positive (got {options.LearningRate})");
            RuntimeSetup.SetThreads(p.GetValue(shared.Threads));
            var setting = SharedOptions.ParseOneDnn(p.GetValue(shared.OneDnn)!);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var train = source.LoadData(Split.Train);
            using var test = source.LoadData(Split.Test);
            var model = source.Build(train);
            var first = train.Batches(256, 1, false, 0)[0];
            var decision = OneDnnPolicy.Decide(setting, model, source.Float64Twin(model, train, BatchNormMode.Train), LossFunctions.CrossEntropy, first);
            Console.Error.WriteLine($"numeric guard: {decision.Reason}");

            var result = Trainer.Train(model, train, test, options, LossFunctions.CrossEntropy,
                onEpoch: e => Console.WriteLine($"epoch {e.Epoch}/{options.Epochs}: train loss {e.TrainLoss:F4}, train accuracy {e.TrainAccuracy:P2}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy:P2} ({e.Seconds:F1} s)"));
            decision = OneDnnPolicy.PostCheck(decision, model, source.Float64Twin(model, train, BatchNormMode.Train), LossFunctions.CrossEntropy, first);

            var entries = model.state_dict().Select(kv => kv)
                .Concat(result.Optimizer.State().Select(kv => new KeyValuePair<string, TorchSharp.torch.Tensor>(WeightsLoader.OptimizerPrefix + kv.Key, kv.Value)));
            Lla.Models.TensorFile.Write(path, entries);
            var last = result.Epochs[^1];
            var record = new JsonObject
            {
                ["command"] = "train",
                ["model"] = source.Model,
                ["data"] = source.Data,
                ["optimizer"] = result.Optimizer.Name,
                ["seed"] = source.Seed,
                ["options"] = SharedOptions.Record(p, command),
                ["versions"] = new JsonObject(Versions.All().Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value))),
                ["numeric_guard"] = HessianResultsJson.Guard(decision),
                ["test_accuracy"] = Number(last.TestAccuracy),
                ["epochs"] = new JsonArray(result.Epochs.Select(e => (JsonNode)new JsonObject
                {
                    ["epoch"] = e.Epoch, ["train_loss"] = Number(e.TrainLoss), ["train_accuracy"] = Number(e.TrainAccuracy),
                    ["test_loss"] = Number(e.TestLoss), ["test_accuracy"] = Number(e.TestAccuracy), ["seconds"] = Number(e.Seconds),
                }).ToArray()),
                ["seconds"] = clock.Elapsed.TotalSeconds,
            };
            RunFolder.WriteAtomically(path + ".json", tmp => File.WriteAllText(tmp, record.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
            Console.WriteLine($"saved {path} (test accuracy {last.TestAccuracy:P2})");
            return 0;
        }));
        return command;
    }
}
