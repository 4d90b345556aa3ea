using Lla.Objectives;
using System.CommandLine;
using Lla.Reports;
using Lla.Training;

namespace Lla.Cli.Commands;

/// <summary>
/// `lla train`: trains a model and saves it with its optimizer state (one TorchSharp-format file:
/// the model's state dict plus "optimizer.*" entries) and a JSON record beside it (FILE.json).
/// </summary>
internal static class TrainCommand
{
    public static Command Create(Processes processes)
    {
        var command = new Command("train", "Train a model and save its weights and optimizer state");
        var shared = new SharedOptions();
        var epochs = new Option<int>("--epochs") { Description = "passes over the training split", DefaultValueFactory = _ => 10 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam | sgd | adamw (decoupled weight decay, on weights and embeddings only)", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "learning rate (the peak rate with --warmup-steps or --schedule cosine)", DefaultValueFactory = _ => 1e-3 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "weight decay: L2 added to the gradient (adam, sgd), decoupled p ← p·(1 − lr·wd) on parameters of 2+ dimensions (adamw)", DefaultValueFactory = _ => 0.0 };
        var beta1 = new Option<double>("--beta1") { Description = "Adam's and AdamW's β₁", DefaultValueFactory = _ => 0.9 };
        var beta2 = new Option<double>("--beta2") { Description = "Adam's and AdamW's β₂ (nanoGPT: 0.95)", DefaultValueFactory = _ => 0.999 };
        var schedule = new Option<string>("--schedule") { Description = "constant | cosine: the learning rate after the warm-up, constant or decaying to --min-lr over the run (nanoGPT's)", DefaultValueFactory = _ => "constant" };
        var warmupSteps = new Option<int>("--warmup-steps") { Description = "linear warm-up over the first N steps: lr·(t+1)/(N+1) at step t (0: none)", DefaultValueFactory = _ => 0 };
        var minLr = new Option<double>("--min-lr") { Description = "the learning rate --schedule cosine decays to", DefaultValueFactory = _ => 0.0 };
        var clipGradNorm = new Option<double>("--clip-grad-norm") { Description = "scale the whole gradient down to this global norm after backward, before the step (torch.nn.utils.clip_grad_norm_; 0: off)", DefaultValueFactory = _ => 0.0 };
        var batchSize = new Option<int>("--batch-size") { Description = "samples per step", DefaultValueFactory = _ => 64 };
        var saveEvery = new Option<int>("--save-every") { Description = "also save FILE.epochE (weights and optimizer state) every N epochs: a trajectory for PCA axes (0: never)", DefaultValueFactory = _ => 0 };
        var analyzeEvery = new Option<int>("--analyze-every") { Description = "every N epochs run `lla analyze` (quick profile: spectrum, criteria, random, Hessian and Adam planes) on the current weights into FILE.analysis/epoch-E (0: never)", DefaultValueFactory = _ => 0 };
        var validationSplit = new Option<double>("--validation-split") { Description = "hold out this last share of the training split as a validation set (recorded; lla measure calibrates ATC and DoC on it)", DefaultValueFactory = _ => 0.0 };
        var resume = new Option<bool>("--resume") { Description = "continue the interrupted training of --save from its last finished epoch (same options)" };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "also log loss, accuracy and each analysis (λmax, trace, criteria, spectral density, landscape figures) as TensorBoard event files in this folder" };
        var save = new Option<string>("--save") { Description = "where to save the model and optimizer state (FILE and FILE.json)", Required = true };
        shared.AddTo(command);
        foreach (var o in new Option[] { epochs, optimizer, lr, momentum, weightDecay, beta1, beta2, schedule, warmupSteps, minLr, clipGradNorm, batchSize, saveEvery, analyzeEvery, save, resume, validationSplit, tensorBoard }) command.Options.Add(o);

        command.SetAction(p => CommandAction.Run(processes, p, () =>
        {
            processes.RequireSingle("train");
            var output = shared.Output(p, processes);
            var options = new TrainRunOptions
            {
                Source = shared.Source(p, weights: ModelSource.RandomWeights), // training starts from a seeded init unless told
                Training = new TrainOptions
                {
                    Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batchSize), Optimizer = SettingNames.Parse<OptimizerKind>(p.GetValue(optimizer)!, "optimizer"),
                    LearningRate = p.GetValue(lr), Momentum = p.GetValue(momentum), WeightDecay = p.GetValue(weightDecay), Seed = p.GetValue(shared.Seed),
                    Beta1 = p.GetValue(beta1), Beta2 = p.GetValue(beta2), Schedule = SettingNames.Parse<ScheduleKind>(p.GetValue(schedule)!, "schedule"),
                    WarmupSteps = p.GetValue(warmupSteps), MinLearningRate = p.GetValue(minLr), ClipGradNorm = p.GetValue(clipGradNorm),
                },
                Save = p.GetValue(save)!, SaveEvery = p.GetValue(saveEvery), AnalyzeEvery = p.GetValue(analyzeEvery), Resume = p.GetValue(resume),
                ValidationSplit = p.GetValue(validationSplit), TensorBoard = p.GetValue(tensorBoard), OneDnn = shared.RunSettings(p),
            };
            var results = output.WithProgress(report => TrainRun.Execute(options, output.Say, report));
            foreach (var folder in results.Analyses) RunRenderer.Render(folder);
            if (results.TensorBoard is { } board) TensorBoardFigures.Add(board, results.Analyses);
            output.Finish(results);
            if (results.FailedCheck is { } failed)
            {
                // The work is saved; the exit code says that a check on it failed.
                Console.Error.WriteLine($"error: {failed}");
                return CommandAction.CheckFailed;
            }
            return 0;
        }));
        return command;
    }
}
