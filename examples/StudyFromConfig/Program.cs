// A study from a config object: two small MLPs trained on the embedded Fashion-MNIST subset,
// measured on the training split, the test split and one shift; does Δre track Δaccuracy?
// Usage: StudyFromConfig OUT_DIR (rerun with the same folder to resume).
using Lla.Studies;
using Lla.Training;

var config = new StudyConfig(
    Name: "example",
    Data: null, // the embedded subset
    Models: new[]
    {
        new StudyModel("mlp-adam", "mlp", "adam", LearningRate: 1e-3, Momentum: 0.9, Epochs: 1, BatchSize: 64, Augment: false, GradientManipulation.None, Seed: 1, Weights: null),
        new StudyModel("mlp-sgd", "mlp", "sgd", LearningRate: 0.05, Momentum: 0.9, Epochs: 1, BatchSize: 64, Augment: false, GradientManipulation.None, Seed: 2, Weights: null),
    },
    Shifts: new[] { new StudyShift("noise", 4) },
    Analysis: new StudyAnalysis(BatchSize: 128, Batches: 1, SlqRuns: 1, LanczosSteps: 15, KhPower: 0.5, CtThreshold: -0.6, BootstrapResamples: 200, Seed: 7));

var study = StudyRun.Execute(new StudyRunOptions(config, args[0]), say: Console.WriteLine);
foreach (var row in study.Rows) Console.WriteLine($"{row.Model} on {row.Dataset}: accuracy {row.Accuracy:P2}, re {row.Re.Mean:G4}");
foreach (var finding in study.Findings) Console.WriteLine(finding);
