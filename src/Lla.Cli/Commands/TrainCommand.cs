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
        var saveEvery = new Option<int>("--save-every") { Description = "also save FILE.epochE (weights and optimizer state) every N epochs: a trajectory for PCA axes (0: never)", DefaultValueFactory = _ => 0 };
        var analyzeEvery = new Option<int>("--analyze-every") { Description = "every N epochs run `lla analyze` (quick profile: spectrum, criteria, random, Hessian and Adam planes) on the current weights into FILE.analysis/epoch-E (0: never)", DefaultValueFactory = _ => 0 };
        var save = new Option<string>("--save") { Description = "where to save the model and optimizer state (FILE and FILE.json)", Required = true };
        shared.AddTo(command);
        foreach (var o in new Option[] { epochs, optimizer, lr, momentum, weightDecay, batchSize, saveEvery, analyzeEvery, save }) command.Options.Add(o);

        command.SetAction(p => CommandAction.Run(() =>
        {
            Display.OutputMode.Quiet = p.GetValue(shared.Quiet);
            Display.OutputMode.Json = p.GetValue(shared.Json);
            if (Cluster.Distributed) throw new LlaException("lla train runs as one process: start it without mpiexec");
            shared.RegisterImageFolders(p);
            string? weights = p.GetValue(shared.Weights) ?? ModelSource.RandomWeights; // training starts from a seeded init unless told
            var source = ModelSource.Resolve(p.GetValue(shared.Model), weights, p.GetValue(shared.Data), p.GetValue(shared.DType)!, p.GetValue(shared.Seed), p.GetValue(shared.Loss)!, p.GetValue(shared.DeviceOption)!)
                with { NumClasses = p.GetValue(shared.NumClasses) };
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
            int every = p.GetValue(saveEvery), analyzeInterval = p.GetValue(analyzeEvery);
            if (every < 0) throw new LlaException($"--save-every must not be negative (got {every})");
            if (analyzeInterval < 0) throw new LlaException($"--analyze-every must not be negative (got {analyzeInterval})");
            RuntimeSetup.SetThreads(p.GetValue(shared.Threads));
            var setting = SharedOptions.ParseOneDnn(p.GetValue(shared.OneDnn)!);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var train = source.LoadData(Split.Train);
            using var test = source.LoadData(Split.Test);
            var model = source.Build(train);
            if (source.Device.type != TorchSharp.DeviceType.CPU) throw new LlaException("lla train runs on the CPU here (--device cpu)");
            var first = train.Batches(256, 1, false, 0)[0];
            var decision = OneDnnPolicy.Decide(setting, model, source.Float64Twin(model, train, BatchNormMode.Train), source.LossFunction, first);
            if (Display.OutputMode.Chatty) Console.Error.WriteLine($"numeric guard: {decision.Reason}");

            var trajectory = new JsonArray();
            var analyses = new JsonArray();
            var result = Trainer.Train(model, train, test, options, source.LossFunction,
                onEpoch: (e, state) =>
                {
                    Display.OutputMode.Say($"epoch {e.Epoch}/{options.Epochs}: train loss {e.TrainLoss:F4}, train accuracy {e.TrainAccuracy:P2}, test loss {e.TestLoss:F4}, test accuracy {e.TestAccuracy:P2} ({e.Seconds:F1} s)");
                    bool snapshot = every > 0 && e.Epoch % every == 0, analyse = analyzeInterval > 0 && e.Epoch % analyzeInterval == 0;
                    if (!snapshot && !analyse) return;
                    string checkpoint = $"{path}.epoch{e.Epoch}";
                    Checkpoint.Save(checkpoint, model, state);
                    if (snapshot) trajectory.Add(Path.GetFullPath(checkpoint));
                    if (analyse)
                    {
                        string outDir = Path.Combine($"{path}.analysis", $"epoch-{e.Epoch}");
                        Display.OutputMode.Say($"analysing epoch {e.Epoch} into {outDir}");
                        HessianJob.Run(EpochAnalysis(source with { Weights = checkpoint }, p.GetValue(shared.Threads), setting, outDir));
                        analyses.Add(Path.GetFullPath(outDir));
                        TorchContext.OneDnn = decision.OneDnnForBackward; // back to the training's own guarded setting
                        if (!snapshot) File.Delete(checkpoint);
                    }
                });
            decision = OneDnnPolicy.PostCheck(decision, model, source.Float64Twin(model, train, BatchNormMode.Train), source.LossFunction, first);

            Checkpoint.Save(path, model, result.Optimizer);
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
                ["trajectory"] = trajectory,
                ["analyses"] = analyses,
                ["seconds"] = clock.Elapsed.TotalSeconds,
            };
            RunFolder.WriteAtomically(path + ".json", tmp => File.WriteAllText(tmp, record.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
            Display.OutputMode.Say($"saved {path} (test accuracy {last.TestAccuracy:P2})");
            Display.OutputMode.Finish(record);
            return 0;
        }));
        return command;
    }

    /// <summary>What `--analyze-every` runs: `lla analyze`'s quick profile on the checkpoint of that epoch.</summary>
    private static HessianJobOptions EpochAnalysis(ModelSource source, int threads, OneDnnSetting setting, string outDir) => new(
        "analyze", source, new DataSelection(Split.Train, BatchSize: 512, MaxBatches: 1, Shuffle: false, BatchNormMode.Train), threads, setting,
        new HessianAnalysisOptions { TopK = 2, Trace = true, Esd = true, Runs = 1, LanczosSteps = 80, Seed = source.Seed },
        outDir, Params: null, LandscapeSteps: 20, Profile: "quick",
        new JsonObject { ["source"] = "lla train --analyze-every", ["weights"] = source.Weights, ["profile"] = "quick" });
}
